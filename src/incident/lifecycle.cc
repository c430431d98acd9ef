#include "incident/lifecycle.h"

#include <fmt/format.h>

namespace vakt::incident {

const char* IncidentActionName(IncidentAction action) {
  switch (action) {
    case IncidentAction::kAcknowledge: return "acknowledge";
    case IncidentAction::kMitigate: return "mitigate";
    case IncidentAction::kResolve: return "resolve";
    case IncidentAction::kClose: return "close";
    case IncidentAction::kReopen: return "reopen";
    case IncidentAction::kAssign: return "assign";
    case IncidentAction::kNote: return "note";
  }
  return "unknown";
}

namespace {

Status NotAllowed(const Incident& incident, IncidentAction action) {
  return Status::FailedPrecondition(fmt::format("cannot {} {}: it is {}", IncidentActionName(action),
                                                incident.Key(), IncidentStateName(incident.state)));
}

}  // namespace

Result<Applied> ApplyAction(const Incident& current, IncidentAction action,
                            const std::string& actor, const std::string& argument, TimeMs now) {
  if (actor.empty()) return Status::InvalidArgument("actor is required");
  Applied applied{current, {}};
  Incident& next = applied.incident;
  IncidentEvent& event = applied.event;
  event.incident_id = current.id;
  event.time = now;
  event.actor = actor;
  event.from_state = IncidentStateName(current.state);
  event.reason = argument;
  const IncidentState state = current.state;
  switch (action) {
    case IncidentAction::kAcknowledge:
      if (state != IncidentState::kTriggered) return NotAllowed(current, action);
      next.state = IncidentState::kAcknowledged;
      next.acknowledged_at = now;
      event.kind = "acknowledged";
      break;
    case IncidentAction::kMitigate:
      if (state != IncidentState::kTriggered && state != IncidentState::kAcknowledged) {
        return NotAllowed(current, action);
      }
      next.state = IncidentState::kMitigated;
      next.mitigated_at = now;
      if (next.acknowledged_at == 0) next.acknowledged_at = now;
      event.kind = "mitigated";
      break;
    case IncidentAction::kResolve:
      if (!IsOpen(state)) return NotAllowed(current, action);
      next.state = IncidentState::kResolved;
      next.resolved_at = now;
      event.kind = "resolved";
      break;
    case IncidentAction::kClose:
      if (state != IncidentState::kResolved) return NotAllowed(current, action);
      next.state = IncidentState::kClosed;
      next.closed_at = now;
      event.kind = "closed";
      break;
    case IncidentAction::kReopen:
      if (IsOpen(state)) return NotAllowed(current, action);
      next.state = IncidentState::kTriggered;
      next.resolved_at = 0;
      next.closed_at = 0;
      event.kind = "reopened";
      break;
    case IncidentAction::kAssign:
      if (state == IncidentState::kClosed) return NotAllowed(current, action);
      if (argument.empty()) return Status::InvalidArgument("assignee is required");
      next.assignee = argument;
      event.kind = "assigned";
      event.details = {{"assignee", argument}};
      break;
    case IncidentAction::kNote:
      if (argument.empty()) return Status::InvalidArgument("note text is required");
      if (argument.size() > 16 * 1024) return Status::InvalidArgument("note longer than 16 KiB");
      event.kind = "note";
      break;
  }
  event.to_state = IncidentStateName(next.state);
  next.updated_at = now;
  return applied;
}

}  // namespace vakt::incident
