#include "storage/sql_group_notice_store.h"

#include "storage/alert_codec.h"

namespace vakt::storage {

Result<std::vector<PendingGroupUpdate>> ListPendingGroupUpdates(Database& database, int limit) {
  std::vector<PendingGroupUpdate> pending;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT i.id, COALESCE(g.notified_through, i.created_at), "
                              "COALESCE(g.last_sent_at, i.created_at), COUNT(*) "
                              "FROM incidents i "
                              "JOIN incident_alerts a ON a.incident_id = i.id "
                              "LEFT JOIN incident_group_notices g ON g.incident_id = i.id "
                              "WHERE i.state IN ('triggered', 'acknowledged', 'mitigated') "
                              "AND a.attached_at > COALESCE(g.notified_through, i.created_at) "
                              "GROUP BY i.id, g.notified_through, g.last_sent_at, i.created_at "
                              "ORDER BY i.id LIMIT $1",
                              {std::int64_t{limit}}));
    for (const auto& row : rows) {
      pending.push_back({row.Int(0), row.Int(1), row.Int(2), row.Int(3)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return pending;
}

Result<std::optional<std::vector<JoinedAlert>>> ClaimGroupUpdate(SqlConnection& conn,
                                                                 std::int64_t incident_id,
                                                                 TimeMs expected_through,
                                                                 TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(auto rows,
                        conn.Query("SELECT fingerprint, attached_at FROM incident_alerts "
                                   "WHERE incident_id = $1 AND attached_at > $2 "
                                   "ORDER BY attached_at, fingerprint",
                                   {incident_id, expected_through}));
  if (rows.empty()) return std::optional<std::vector<JoinedAlert>>();
  std::vector<JoinedAlert> joined;
  for (const auto& row : rows) {
    joined.push_back({FingerprintFromSql(row.Int(0)), row.Int(1)});
  }
  TimeMs through = joined.back().attached_at;
  // The first update inserts the row; later ones move it only from the watermark they read, so
  // of two instances racing for one batch exactly one gets a row back.
  VAKT_ASSIGN_OR_RETURN(
      auto claimed,
      conn.Query("INSERT INTO incident_group_notices (incident_id, notified_through, "
                 "last_sent_at, updates) VALUES ($1, $2, $3, 1) "
                 "ON CONFLICT (incident_id) DO UPDATE SET notified_through = $2, "
                 "last_sent_at = $3, updates = incident_group_notices.updates + 1 "
                 "WHERE incident_group_notices.notified_through = $4 RETURNING incident_id",
                 {incident_id, through, now, expected_through}));
  if (claimed.empty()) return std::optional<std::vector<JoinedAlert>>();
  return std::optional<std::vector<JoinedAlert>>(std::move(joined));
}

Result<std::vector<PagedContact>> ListPagedContacts(SqlConnection& conn, std::int64_t incident_id) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows, conn.Query("SELECT DISTINCT channel, target FROM notification_outbox "
                            "WHERE incident_id = $1 AND page_key IS NOT NULL AND page_key <> '' "
                            "AND state <> 'cancelled' ORDER BY channel, target",
                            {incident_id}));
  std::vector<PagedContact> contacts;
  for (const auto& row : rows) contacts.push_back({row.Text(0), row.Text(1)});
  return contacts;
}

}  // namespace vakt::storage
