#pragma once

// When the organisation became aware of an incident starts every regulatory clock (EU AI Act
// Art. 73, NIS2 Art. 23, DORA Art. 19). It defaults to the incident's opening time; a person may
// set or correct it, with a reason, and each change is an audit record of the incident
// (`regulatory.became_aware`), so the clocks can always be traced to who said what and when.
// The latest record wins; earlier ones stay in the log.

#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::compliance {

inline constexpr char kAwarenessAction[] = "regulatory.became_aware";

struct AwarenessChange {
  TimeMs became_aware_at = 0;
  std::string reason;
  std::string actor;
  TimeMs recorded_at = 0;
};

// DecodeAwarenessRequest reads an API body {"became_aware_at": RFC 3339, "reason": text}.
// InvalidArgument naming the field for a missing or malformed time, a time after `now` (one
// cannot have become aware in the future), a missing or over-long reason, or an unknown field.
Result<AwarenessChange> DecodeAwarenessRequest(const nlohmann::json& body, TimeMs now,
                                               const std::string& actor);

// AwarenessDetails renders the audit record details (times as integer Unix ms);
// DecodeAwarenessRecord reads them back, InvalidArgument naming the field.
nlohmann::json AwarenessDetails(const AwarenessChange& change);
Result<AwarenessChange> DecodeAwarenessRecord(const nlohmann::json& details, TimeMs recorded_at,
                                              const std::string& actor);

}  // namespace vakt::compliance
