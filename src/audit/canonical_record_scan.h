#pragma once

// ScanCanonicalRecord is the fast path of ParseAuditRecord: one pass over the bytes, no DOM, no
// re-encoding. It accepts only bytes that are a record in canonical form
// (docs/audit_log_format.md) and reads the fields the verifier and the SQL store need.
//
// It is an accept-only shortcut: when it says nullopt the caller asks ParseAuditRecord, which
// stays the reference and gives the reason. So a record the scanner wrongly refused costs time,
// never a different verdict; the differential test in canonical_record_scan_test.cc checks the
// other direction (nothing the reference refuses is accepted here).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::audit {

struct ScannedRecord {
  std::uint64_t seq = 0;
  TimeMs time = 0;
  std::string action;   // decoded
  std::string subject;  // decoded
};

std::optional<ScannedRecord> ScanCanonicalRecord(std::string_view data);

// ReadRecordFields is what the verifier and the SQL store call: the scanner's fields when it
// accepts, else ParseAuditRecord's (the reference), whose error is returned for a bad record.
Result<ScannedRecord> ReadRecordFields(std::string_view data);

}  // namespace vakt::audit
