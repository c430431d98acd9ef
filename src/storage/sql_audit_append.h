#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "audit/audit_record.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// AppendAuditEvent records `event` as the next leaf of the audit log inside the caller's open
// transaction on `conn`, so an audit record commits or rolls back together with the change it
// describes (an approval without its record, or a record of an approval that never happened,
// cannot exist). Returns the leaf's seq. The record's time is max(now, previous leaf's time) so
// time never decreases along the log. On PostgreSQL a transaction-scoped advisory lock orders
// appends across vakt instances; SQLite's write transaction already does.
Result<std::uint64_t> AppendAuditEvent(SqlConnection& conn, const audit::AuditEvent& event,
                                       TimeMs now);

// LockAuditAppends orders audit appends across transactions and vakt instances: on PostgreSQL a
// transaction-scoped advisory lock, on SQLite nothing (its write transaction already does).
// REQUIRES: an open transaction on `conn`.
Status LockAuditAppends(SqlConnection& conn);

// AuditSafeDetails returns `details` as an object the audit grammar accepts: floats become
// their shortest decimal text (the grammar has integers only), a non-object is wrapped as
// {"value": …}.
nlohmann::json AuditSafeDetails(const nlohmann::json& details);

// RecordAuditEvent appends one event in its own write transaction (for actions that change
// nothing else in the database, e.g. reading evidence).
Result<std::uint64_t> RecordAuditEvent(Database& database, const audit::AuditEvent& event,
                                       TimeMs now);

}  // namespace vakt::storage
