#pragma once

// Report drafts for regulators, prefilled from the incident record: Markdown for humans to edit
// and JSON for tooling. Pure rendering; the caller gathers the facts.

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "compliance/regulatory_clock.h"

namespace vakt::compliance {

struct TimelineEntry {
  TimeMs at = 0;
  std::string what;
};

// IncidentFacts is everything a draft is prefilled from. A plain value.
struct IncidentFacts {
  std::string incident_id;
  std::string title;
  std::string summary;
  std::string severity;
  TimeMs became_aware_at = 0;
  std::vector<std::string> affected_systems;
  std::string impact;
  std::string root_cause;  // "so far"; empty renders as "under investigation"
  std::vector<TimelineEntry> timeline;
  std::vector<std::string> actions;
  std::string contact;
};

struct ReportDraft {
  std::string markdown;
  std::string json;
};

// RenderReportDraft renders the draft of `deadline.report` for `facts`. Times are shown in
// RFC 3339 UTC. User text is escaped so it cannot change the Markdown structure. InvalidArgument
// if incident_id is empty.
Result<ReportDraft> RenderReportDraft(const IncidentFacts& facts, const Deadline& deadline);

}  // namespace vakt::compliance
