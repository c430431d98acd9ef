#include "storage/sql_event_feed.h"

#include "storage/sql/sql_connection.h"

namespace vakt::storage {

Result<std::vector<FeedEvent>> ReadEventsAfter(Database& database, std::int64_t after_id,
                                               size_t limit) {
  std::vector<FeedEvent> events;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT id, incident_id, time, kind, actor, to_state FROM "
                                     "incident_events WHERE id > $1 ORDER BY id LIMIT $2",
                                     {after_id, static_cast<std::int64_t>(limit)}));
    for (const auto& row : rows) {
      events.push_back(
          FeedEvent{row.Int(0), row.Int(1), row.Int(2), row.Text(3), row.Text(4), row.Text(5)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return events;
}

Result<std::int64_t> LatestEventId(Database& database) {
  std::int64_t latest = 0;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT COALESCE(MAX(id), 0) FROM incident_events", {}));
    latest = rows.at(0).Int(0);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return latest;
}

Result<std::vector<AuditFeedEvent>> ReadAuditAfter(Database& database, std::int64_t from_seq,
                                                   size_t limit) {
  std::vector<AuditFeedEvent> events;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT seq, time, action, subject FROM audit_leaves WHERE "
                                     "seq >= $1 ORDER BY seq LIMIT $2",
                                     {from_seq, static_cast<std::int64_t>(limit)}));
    for (const auto& row : rows) {
      events.push_back(AuditFeedEvent{row.Int(0), row.Int(1), row.Text(2), row.Text(3)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return events;
}

Result<std::int64_t> AuditLeafCount(Database& database) {
  std::int64_t count = 0;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_leaves", {}));
    count = rows.at(0).Int(0);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return count;
}

}  // namespace vakt::storage
