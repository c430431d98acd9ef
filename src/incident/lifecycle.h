#pragma once

#include <string>

#include "common/status.h"
#include "model/incident.h"

namespace vakt::incident {

// IncidentAction is a human (or automatic) request to change an incident.
enum class IncidentAction { kAcknowledge, kMitigate, kResolve, kClose, kReopen, kAssign, kNote };
const char* IncidentActionName(IncidentAction action);

// ApplyAction validates `action` against the lifecycle and returns the updated incident and the
// event that records it (actor, time, reason). FailedPrecondition for a transition the lifecycle
// does not allow (e.g. acknowledging a closed incident). Pure.
//   triggered → acknowledged → mitigated → resolved → closed; resolve/mitigate may skip steps;
//   reopen: resolved|closed → triggered; assign/note: any state but closed.
struct Applied {
  Incident incident;
  IncidentEvent event;
};
Result<Applied> ApplyAction(const Incident& current, IncidentAction action,
                            const std::string& actor, const std::string& argument, TimeMs now);

}  // namespace vakt::incident
