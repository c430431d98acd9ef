#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "incident/incident_service.h"
#include "storage/sql_drill_store.h"

namespace vakt::drill {

// DrillTarget is how fast a drill of a runbook should be acknowledged, stabilised and resolved.
struct DrillTarget {
  TimeMs acknowledge_ms = 5 * 60'000;
  TimeMs mitigate_ms = 30 * 60'000;
  TimeMs resolve_ms = 60 * 60'000;
};

// DrillService opens drill incidents and scores them. A drill incident is a real incident with
// drill = true and "[DRILL]" in its title, opened directly for the runbook (no alert is stored,
// so nothing upstream sees a fake alert and auto-resolve never touches it): the step engine runs
// its actions dry and notifications go to the drill channel because the incident is a drill.
// Thread-safe.
class DrillService {
 public:
  DrillService(incident::IncidentService& incidents, storage::SqlDrillStore& store,
               const Clock& clock, std::map<std::string, DrillTarget> targets);

  // Start opens a drill of `runbook_id` for `scenario` (drift | regression | infra). Returns the
  // drill incident as JSON {id, title, drill, runbook, scenario}. InvalidArgument for an unknown
  // scenario, NotFound for an unknown runbook.
  // A scheduled drill passes its schedule and a `group_key` naming the run, so that a run taken
  // over after a crash can find the drill incident its first claimant opened.
  Result<nlohmann::json> Start(const std::string& runbook_id, const std::string& scenario,
                               const std::string& actor, std::int64_t schedule_id = 0,
                               const std::string& group_key = "");
  // HasRunbook says whether `runbook_id` is loaded now.
  bool HasRunbook(const std::string& runbook_id) const;
  // RecordScheduledDrill links an already opened scheduled drill incident (crash recovery).
  Status RecordScheduledDrill(std::int64_t incident_id, const std::string& runbook_id,
                              const std::string& scenario, std::int64_t schedule_id);
  // Scoreboard scores drills since `since`: time to acknowledge, stabilise (mitigate) and resolve
  // against the runbook's targets, steps skipped and failed; plus a per-runbook summary.
  Result<nlohmann::json> Scoreboard(TimeMs since);

  const DrillTarget& TargetFor(const std::string& runbook_id) const;

 private:
  incident::IncidentService& incidents_;
  storage::SqlDrillStore& store_;
  const Clock& clock_;
  std::map<std::string, DrillTarget> targets_;  // runbook id or "default"
  DrillTarget default_target_;
};

}  // namespace vakt::drill
