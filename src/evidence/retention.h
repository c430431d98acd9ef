#pragma once

// Retention classes and legal holds for captured evidence (pure; no I/O). Both are recorded as
// audit records, so who set what, when and why is in the tamper-evident log and nothing but an
// append can change them:
//   evidence.retention_set  subject incident/INC-7, digest = the blob, details {class, reason}
//   evidence.legal_hold     subject incident/INC-7, details {hold: true|false, reason}
// The latest record wins. A blob may be purged only when EVERY capture of it (in any incident)
// is past its class's retention period and NO incident holding a capture of it is under legal
// hold. Captures without a recorded class are "standard".

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::evidence {

inline constexpr char kRetentionSetAction[] = "evidence.retention_set";
inline constexpr char kLegalHoldAction[] = "evidence.legal_hold";
inline constexpr char kPurgeAction[] = "evidence.purge";
inline constexpr char kDefaultRetentionClass[] = "standard";

constexpr TimeMs kDay = 24LL * 3600 * 1000;

// RetentionClasses maps a class name to how long evidence of that class is kept after capture.
using RetentionClasses = std::map<std::string, TimeMs>;

// DefaultRetentionClasses: transient 30 days, standard 400 days (a year plus audit slack),
// regulatory 7 years (2557 days; DORA/NIS2 record keeping is typically 5 to 7 years).
RetentionClasses DefaultRetentionClasses();

// ValidateRetentionClasses: InvalidArgument for an empty set, a name that is not 1-64 of
// [a-z0-9_-], a period <= 0, or no "standard" class (the default must exist).
Status ValidateRetentionClasses(const RetentionClasses& classes);

// CaptureRetention is one capture of a blob as the sweep sees it.
struct CaptureRetention {
  std::string incident_id;
  TimeMs captured_at = 0;
  std::string retention_class = kDefaultRetentionClass;
};

// PurgeDecision says whether a blob may go and, if not, why (for the sweep's report).
struct PurgeDecision {
  bool purge = false;
  std::string reason;  // "legal hold on INC-7", "standard until 2027-…", "expired"
};

// DecidePurge applies the rule above. An unknown class keeps the blob (never delete on doubt).
PurgeDecision DecidePurge(const std::vector<CaptureRetention>& captures,
                          const std::set<std::string>& held_incidents,
                          const RetentionClasses& classes, TimeMs now);

}  // namespace vakt::evidence
