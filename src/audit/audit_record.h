#pragma once

// An audit record is one leaf of the audit log: a canonical JSON object whose exact bytes are
// hashed (HashLeaf). Grammar and canonical form: docs/audit_log_format.md.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::audit {

inline constexpr int kAuditRecordVersion = 1;

// AuditEvent is what a caller asks to record; the log assigns seq and time.
struct AuditEvent {
  std::string actor;    // who: "user:alice", "token:ci-deploy", "system:escalation"
  std::string action;   // what: "incident.acknowledge", "evidence.read", "runbook.update"
  std::string subject;  // on what: "incident/INC-42", "evidence/sha256:..."
  nlohmann::json details = nlohmann::json::object();  // an object (null = {}); no floats
  std::string digest;   // optional lowercase hex SHA-256 of content the event refers to
};

// AuditRecord is an AuditEvent placed in the log. A plain value.
struct AuditRecord {
  std::uint64_t seq = 0;  // == the leaf index; gap-free and strictly increasing
  TimeMs time = 0;        // never decreases along the log
  AuditEvent event;
};

// CanonicalAuditJson renders the record's canonical bytes: keys sorted by byte order, no
// whitespace, UTF-8 without \u escapes except for control characters, integers only, "time" as
// RFC 3339 UTC with milliseconds. InvalidArgument for empty actor/action/subject, a digest that
// is not 64 lowercase hex digits, non-object details, floats in details or invalid UTF-8.
Result<std::string> CanonicalAuditJson(const AuditRecord& record);

// ParseAuditRecord reads canonical bytes back. Corruption if the bytes are not JSON, miss a
// field, or are not in canonical form (re-encoding must reproduce them exactly).
Result<AuditRecord> ParseAuditRecord(std::string_view canonical_json);

}  // namespace vakt::audit
