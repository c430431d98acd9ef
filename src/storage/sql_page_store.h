#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// Pages (table pages, schema v6 in schema/paging_schema.cc): the durable record of each page an
// escalation sent to a person, one per (incident, policy, level, loop, user), UNIQUE on its
// idempotency key. Its messages sit in the notification outbox with page_key = the page's key.

struct PageRecord {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string policy_id;
  int level = 0;  // 1-based
  int loop = 0;
  std::string user_id;
  std::string target;   // "schedule:ml-fraud-primary"
  std::string channel;  // the channels its messages go out on, "email,webhook"
  std::string idempotency_key;
  TimeMs enqueued_at = 0;
  std::optional<TimeMs> delivered_at;  // first message of the page sent
  std::optional<TimeMs> acked_at;
};

// InsertPage records `page` inside the caller's transaction with a "page.enqueue" audit record.
// Returns false (writing nothing) when its idempotency key already exists.
// REQUIRES: a transaction is open on `conn`.
Result<bool> InsertPage(SqlConnection& conn, const PageRecord& page);

// MarkIncidentPagesAcked sets acked_at on the incident's pages that have none, inside the
// caller's transaction. Returns how many rows changed.
Result<std::int64_t> MarkIncidentPagesAcked(SqlConnection& conn, std::int64_t incident_id,
                                            TimeMs now);

// ListIncidentPages returns the incident's pages in the order they were sent.
Result<std::vector<PageRecord>> ListIncidentPages(Database& database, std::int64_t incident_id);

}  // namespace vakt::storage
