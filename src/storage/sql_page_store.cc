#include "storage/sql_page_store.h"

#include "storage/sql_audit_append.h"

namespace vakt::storage {

Result<bool> InsertPage(SqlConnection& conn, const PageRecord& page) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("INSERT INTO pages (incident_id, policy_id, level, loop_index, user_id, target, "
                 "channel, idempotency_key, enqueued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                 "$9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                 {page.incident_id, page.policy_id, std::int64_t{page.level},
                  std::int64_t{page.loop}, page.user_id, page.target, page.channel,
                  page.idempotency_key, page.enqueued_at}));
  if (rows.empty()) return false;
  audit::AuditEvent event;
  event.actor = "system:escalation";
  event.action = "page.enqueue";
  event.subject = "incident/INC-" + std::to_string(page.incident_id);
  event.details = {{"policy", page.policy_id}, {"level", page.level},   {"loop", page.loop},
                   {"user", page.user_id},     {"target", page.target}, {"channel", page.channel},
                   {"key", page.idempotency_key}};
  VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, page.enqueued_at).status());
  return true;
}

Result<std::int64_t> MarkIncidentPagesAcked(SqlConnection& conn, std::int64_t incident_id,
                                            TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query("UPDATE pages SET acked_at = $1 WHERE incident_id "
                                              "= $2 AND acked_at IS NULL RETURNING id",
                                              {now, incident_id}));
  return static_cast<std::int64_t>(rows.size());
}

Result<std::vector<PageRecord>> ListIncidentPages(Database& database, std::int64_t incident_id) {
  std::vector<PageRecord> pages;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT id, incident_id, policy_id, level, loop_index, user_id, target, "
                   "channel, idempotency_key, enqueued_at, delivered_at, acked_at FROM pages "
                   "WHERE incident_id = $1 ORDER BY id",
                   {incident_id}));
    for (const SqlRow& row : rows) {
      PageRecord page;
      page.id = row.Int(0);
      page.incident_id = row.Int(1);
      page.policy_id = row.Text(2);
      page.level = static_cast<int>(row.Int(3));
      page.loop = static_cast<int>(row.Int(4));
      page.user_id = row.Text(5);
      page.target = row.Text(6);
      page.channel = row.Text(7);
      page.idempotency_key = row.Text(8);
      page.enqueued_at = row.Int(9);
      if (!row.IsNull(10)) page.delivered_at = row.Int(10);
      if (!row.IsNull(11)) page.acked_at = row.Int(11);
      pages.push_back(std::move(page));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return pages;
}

}  // namespace vakt::storage
