#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "evidence/file_evidence_store.h"
#include "incident/incident_service.h"
#include "stabilise/step_service.h"
#include "storage/database.h"
#include "storage/sql_evidence_store.h"
#include "storage/sql_runbook_version_store.h"
#include "storage/sql_step_store.h"

namespace vakt::stabilise {

struct StabiliseOptions {
  std::string data_dir;                   // evidence blobs go to data_dir/evidence
  std::vector<std::string> egress_allow;  // EgressPolicy rules for http steps and captures
  std::string prometheus_url;             // capture/check PromQL ("" = env PROMETHEUS_URL)
  std::vector<std::string> command_env;   // names command steps may pass (catalogue allow-list)
  TimeMs lease_grace_ms = 30'000;         // see StepServiceOptions
};

// Stabilise owns the guided-stabilisation stack the app wires in: evidence blobs and their
// metadata store, the step store, the executors and the StepService. Front header of the
// module. Thread-safe as StepService.
class Stabilise {
 public:
  // Create builds everything; InvalidArgument for a bad egress rule, Internal when the evidence
  // directory cannot be created.
  static Result<std::unique_ptr<Stabilise>> Create(storage::Database& database,
                                                   incident::IncidentService& incidents,
                                                   const Clock& clock, StabiliseOptions options);
  StepService& service() { return *service_; }

 private:
  Stabilise() = default;
  std::unique_ptr<evidence::FileEvidenceStore> blobs_;
  std::unique_ptr<storage::SqlEvidenceStore> evidence_;
  std::unique_ptr<storage::SqlStepStore> steps_;
  std::unique_ptr<storage::SqlRunbookVersionStore> versions_;
  std::unique_ptr<StepService> service_;
};

}  // namespace vakt::stabilise
