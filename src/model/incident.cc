#include "model/incident.h"

namespace vakt {

const char* IncidentStateName(IncidentState state) {
  switch (state) {
    case IncidentState::kTriggered: return "triggered";
    case IncidentState::kAcknowledged: return "acknowledged";
    case IncidentState::kMitigated: return "mitigated";
    case IncidentState::kResolved: return "resolved";
    case IncidentState::kClosed: return "closed";
  }
  return "unknown";
}

std::optional<IncidentState> ParseIncidentState(const std::string& name) {
  for (IncidentState state : {IncidentState::kTriggered, IncidentState::kAcknowledged,
                              IncidentState::kMitigated, IncidentState::kResolved,
                              IncidentState::kClosed}) {
    if (name == IncidentStateName(state)) return state;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseIncidentKey(const std::string& key) {
  std::string digits = key;
  if (digits.rfind("INC-", 0) == 0 || digits.rfind("inc-", 0) == 0) digits = digits.substr(4);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoll(digits);
}

}  // namespace vakt
