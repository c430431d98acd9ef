#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

// The retro timeline: what happened during an incident, in order, read from the audit log, with
// the response durations. Pure.
namespace vakt::retro {

// AuditEntry is one audit leaf as the timeline needs it.
struct AuditEntry {
  std::int64_t seq = 0;
  TimeMs time = 0;
  std::string action;   // e.g. incident.acknowledged, step.approve, notification.enqueue
  std::string subject;  // incident/INC-7, step/INC-7/shift-traffic, notification/…
  std::string data;     // canonical record JSON (actor, details …)
};

struct TimelineEntry {
  TimeMs time = 0;
  std::string phase;  // detected, paged, acked, mitigated, resolved, closed, reopened, step,
                      // notification, diagnosis, note, alert, retro, other
  std::string action;
  std::string subject;
  std::string actor;
  std::string detail;  // a short human text: reason, step id and transition …
};

// ResponseDurations are measured from detection (the incident's opening); nullopt when the
// milestone was never reached.
struct ResponseDurations {
  std::optional<TimeMs> to_acknowledge;
  std::optional<TimeMs> to_mitigate;
  std::optional<TimeMs> to_resolve;
};

struct Timeline {
  TimeMs detected_at = 0;
  std::vector<TimelineEntry> entries;
  ResponseDurations durations;
};

// PhaseOf classifies an audit action and subject into a timeline phase.
std::string PhaseOf(const std::string& action, const std::string& subject);

// BuildTimeline orders `entries` by seq and derives phases and durations. The first
// "incident.opened" is detection; the first acknowledged / mitigated / resolved after it are the
// milestones (a resolve implies mitigation, a mitigation implies acknowledgement, so a skipped
// transition takes the later time). Entries whose data is not JSON keep an empty actor.
Timeline BuildTimeline(std::vector<AuditEntry> entries);

// TimelineToJson renders a timeline for the API (durations in ms, null when not reached).
nlohmann::json TimelineToJson(const Timeline& timeline);

}  // namespace vakt::retro
