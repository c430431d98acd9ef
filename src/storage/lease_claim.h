#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// LeaseClaim describes rows a worker takes a time-bounded lease on: the notification outbox and
// the escalation timers share this, so "two instances on one PostgreSQL database never hold the
// same row" is written once.
struct LeaseClaim {
  std::string table;
  std::string columns;    // SELECT list; must include `id`, returned rows are in this order
  std::string due_where;  // e.g. "due_at <= $1 AND ..."; $1 is now, $2 the limit, $3.. `extra`
  std::vector<SqlValue> extra;
  std::string order_by;  // e.g. "due_at, id"
  std::string also_set;  // more assignments made by the claim, e.g. "attempts = attempts + 1"
};

// ClaimLeasedRows selects up to `limit` rows matching `claim.due_where` at `now` and leases each
// to `owner` until now + lease (lease_owner, lease_expires_at), in one write transaction.
// PostgreSQL: FOR UPDATE SKIP LOCKED, so rows another instance is claiming right now are skipped,
// not waited for; SQLite: BEGIN IMMEDIATE already made this the only writer. Returns the rows as
// selected (before the lease columns changed); `id_column` is the index of `id` in `columns`.
Result<SqlRows> ClaimLeasedRows(Database& database, const LeaseClaim& claim,
                                const std::string& owner, TimeMs now, TimeMs lease, int limit,
                                int id_column = 0);

}  // namespace vakt::storage
