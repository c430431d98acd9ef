#include "storage/sql_escalation_override_store.h"

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {

Result<std::int64_t> InsertScheduleOverride(Database& database, const StoredOverride& entry,
                                            TimeMs now) {
  std::int64_t id = 0;
  Status status = RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("INSERT INTO schedule_overrides (schedule_id, user_id, start_at, end_at, "
                   "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                   {entry.schedule_id, entry.user_id, entry.start, entry.end, entry.created_by,
                    now}));
    id = rows.at(0).Int(0);
    audit::AuditEvent event;
    event.actor = entry.created_by;
    event.action = "schedule.override";
    event.subject = "schedule/" + entry.schedule_id;
    event.details = {{"id", id}, {"user", entry.user_id}, {"start", entry.start}, {"end", entry.end}};
    VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, now).status());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return id;
}

Result<std::vector<StoredOverride>> ListScheduleOverrides(Database& database, TimeMs since) {
  std::vector<StoredOverride> out;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT id, schedule_id, user_id, start_at, end_at, created_by, "
                              "created_at FROM schedule_overrides WHERE end_at > $1 ORDER BY id",
                              {since}));
    for (const SqlRow& row : rows) {
      out.push_back({row.Int(0), row.Text(1), row.Text(2), row.Int(3), row.Int(4), row.Text(5),
                     row.Int(6)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace vakt::storage
