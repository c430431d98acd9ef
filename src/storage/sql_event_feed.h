#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::storage {

// FeedEvent is one incident_events row as the live console feed announces it: enough to know
// which incident changed and how, not the full event (the console re-reads what it shows).
struct FeedEvent {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  TimeMs time = 0;
  std::string kind;
  std::string actor;
  std::string to_state;
};

// ReadEventsAfter returns up to `limit` incident events with id > `after_id`, oldest first: the
// one query the console's stream watcher polls with (an index scan on the primary key).
Result<std::vector<FeedEvent>> ReadEventsAfter(Database& database, std::int64_t after_id,
                                               size_t limit);
// LatestEventId is the highest incident event id (0 when there is none).
Result<std::int64_t> LatestEventId(Database& database);

// AuditFeedEvent is one audit-log leaf as the console feed announces it: step transitions,
// approvals, evidence, pages and notifications reach the incident page through these.
struct AuditFeedEvent {
  std::int64_t seq = 0;
  TimeMs time = 0;
  std::string action;
  std::string subject;
};

// ReadAuditAfter returns up to `limit` audit leaves with seq >= `from_seq`, oldest first. Leaves
// commit in seq order (audit appends are serialised), so polling by seq misses none.
Result<std::vector<AuditFeedEvent>> ReadAuditAfter(Database& database, std::int64_t from_seq,
                                                   size_t limit);
// AuditLeafCount is the number of audit leaves (the seq the next leaf will get).
Result<std::int64_t> AuditLeafCount(Database& database);

}  // namespace vakt::storage
