#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::storage {

// DrillRecord is one drill incident with its response milestones and step outcomes.
struct DrillRecord {
  std::int64_t incident_id = 0;
  std::string runbook_id;
  std::string scenario;
  std::int64_t schedule_id = 0;
  std::string started_by;
  TimeMs started_at = 0;
  std::string state;
  TimeMs acknowledged_at = 0;
  TimeMs mitigated_at = 0;
  TimeMs resolved_at = 0;
  std::int64_t steps_skipped = 0;
  std::int64_t steps_failed = 0;  // failed or timed out
};

// ResponseRecord is one incident's response milestones, for MTTA / MTTR reports.
struct ResponseRecord {
  std::int64_t incident_id = 0;
  std::string pipeline;
  std::string runbook_id;
  std::string severity;
  bool drill = false;
  TimeMs created_at = 0;
  TimeMs acknowledged_at = 0;
  TimeMs mitigated_at = 0;
  TimeMs resolved_at = 0;
};

// StepOutcome is one step's final state in one incident (runbook effectiveness).
struct StepOutcome {
  std::int64_t incident_id = 0;
  std::string runbook_id;
  std::string step_id;
  std::string state;
  TimeMs requested_at = 0;
  TimeMs updated_at = 0;
  bool drill = false;
};

// SqlDrillStore records drills and reads the response data of drills and incidents.
// Engine-neutral. Thread-safe.
class SqlDrillStore {
 public:
  explicit SqlDrillStore(Database& database) : database_(database) {}

  // RecordDrill links a just-opened drill incident to its runbook and scenario ("drill.start",
  // audited on incident/INC-n).
  Status RecordDrill(const DrillRecord& drill, TimeMs now);
  // ListDrills returns drills started at or after `since`, newest first, at most `limit`.
  Result<std::vector<DrillRecord>> ListDrills(TimeMs since, size_t limit);
  // ListResponses returns incidents (drills included, flagged) opened at or after `since`.
  Result<std::vector<ResponseRecord>> ListResponses(TimeMs since, size_t limit);
  // ListStepOutcomes returns the steps of incidents opened at or after `since`.
  Result<std::vector<StepOutcome>> ListStepOutcomes(TimeMs since, size_t limit);

 private:
  Database& database_;
};

}  // namespace vakt::storage
