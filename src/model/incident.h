#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/clock.h"
#include "model/label_set.h"

namespace vakt {

// IncidentState is the lifecycle: triggered → acknowledged → mitigated → resolved → closed, with
// reopen from resolved/closed back to triggered.
enum class IncidentState { kTriggered, kAcknowledged, kMitigated, kResolved, kClosed };
const char* IncidentStateName(IncidentState state);
std::optional<IncidentState> ParseIncidentState(const std::string& name);
inline bool IsOpen(IncidentState state) {
  return state != IncidentState::kResolved && state != IncidentState::kClosed;
}

// Incident is one grouped problem with its pinned runbook and the context captured when it opened.
// Pure data.
struct Incident {
  std::int64_t id = 0;          // INC-<id>
  std::int64_t version = 0;     // optimistic concurrency: +1 per stored change
  std::string title;
  std::string severity;         // from the alerts' severity label ("critical", "warning" …)
  IncidentState state = IncidentState::kTriggered;
  std::string group_key;        // runbook id + group_by label values
  LabelSet group_labels;
  std::string runbook_id;
  std::string runbook_version;
  std::string runbook_hash;
  std::string pipeline;
  std::string assignee;
  bool drill = false;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  TimeMs acknowledged_at = 0;
  TimeMs mitigated_at = 0;
  TimeMs resolved_at = 0;
  TimeMs closed_at = 0;
  nlohmann::json context = nlohmann::json::object();  // the context snapshot

  std::string Key() const { return "INC-" + std::to_string(id); }
};

// ParseIncidentKey accepts "INC-42" or "42".
std::optional<std::int64_t> ParseIncidentKey(const std::string& key);

// IncidentEvent is one recorded change: who did what, when and why.
struct IncidentEvent {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  TimeMs time = 0;
  std::string actor;
  std::string kind;  // opened, alert_added, acknowledged, mitigated, resolved, closed, reopened,
                     // assigned, note, alert_resolved
  std::string from_state;
  std::string to_state;
  std::string reason;
  nlohmann::json details = nlohmann::json::object();
};

}  // namespace vakt
