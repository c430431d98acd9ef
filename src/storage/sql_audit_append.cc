#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

#include <algorithm>

#include "audit/merkle.h"
#include "common/crypto.h"

namespace vakt::storage {

namespace {

// Arbitrary constant naming vakt's audit-append lock among PostgreSQL advisory locks.
constexpr std::int64_t kAuditAppendLockKey = 0x76616b7461756474;  // "vaktaudt"

nlohmann::json WithoutFloats(const nlohmann::json& value) {
  if (value.is_number_float()) return value.dump();
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) out[key] = WithoutFloats(item);
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(WithoutFloats(item));
    return out;
  }
  return value;
}

}  // namespace

nlohmann::json AuditSafeDetails(const nlohmann::json& details) {
  if (details.is_null()) return nlohmann::json::object();
  if (!details.is_object()) return {{"value", WithoutFloats(details)}};
  return WithoutFloats(details);
}

Status LockAuditAppends(SqlConnection& conn) {
  if (conn.Engine() != "postgres") return Status::Ok();
  return conn.Query("SELECT pg_advisory_xact_lock($1)", {kAuditAppendLockKey}).status();
}

Result<std::uint64_t> AppendAuditEvent(SqlConnection& conn, const audit::AuditEvent& event,
                                       TimeMs now) {
  VAKT_RETURN_IF_ERROR(LockAuditAppends(conn));
  VAKT_ASSIGN_OR_RETURN(
      SqlRows last, conn.Query("SELECT seq, time FROM audit_leaves ORDER BY seq DESC LIMIT 1", {}));
  audit::AuditRecord record;
  record.event = event;
  record.seq = last.empty() ? 0 : static_cast<std::uint64_t>(last[0].Int(0)) + 1;
  record.time = last.empty() ? now : std::max(now, last[0].Int(1));
  VAKT_ASSIGN_OR_RETURN(std::string data, audit::CanonicalAuditJson(record));
  std::string leaf_hash = HexEncode(audit::HashLeaf(data));
  VAKT_RETURN_IF_ERROR(
      conn.Query("INSERT INTO audit_leaves (seq, time, action, subject, data, leaf_hash) "
                 "VALUES ($1, $2, $3, $4, $5, $6)",
                 {static_cast<std::int64_t>(record.seq), record.time, event.action, event.subject,
                  data, leaf_hash})
          .status());
  return record.seq;
}

Result<std::uint64_t> RecordAuditEvent(Database& database, const audit::AuditEvent& event,
                                       TimeMs now) {
  std::uint64_t seq = 0;
  Status status = RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(seq, AppendAuditEvent(conn, event, now));
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  return seq;
}

}  // namespace vakt::storage
