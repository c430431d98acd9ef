#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "diagnose/prometheus_client.h"
#include "evidence/evidence_store.h"
#include "incident/incident_service.h"
#include "runbook/runbook.h"
#include "storage/sql_diagnosis_store.h"

// DiagnosisService answers "data drift, model regression or infrastructure?" for one incident:
// it reads the incident's pinned runbook's investigate.diagnose section (or a `diagnose` step's
// own section), runs drift on the named files, model regression on the named source split at
// the last deployment, and the infrastructure PromQL conditions over the incident window, ranks
// the hypotheses with the deployment facts of the context snapshot (triage.h), and stores the
// result with its readable report (storage/sql_diagnosis_store.h). A section that cannot run is
// recorded in the result's `skipped` or `errors` lists, never silently left out.
namespace vakt::diagnose {

struct DiagnosisServiceOptions {
  std::string data_dir = "examples/data";  // where runbook `file:` references resolve
  std::string prometheus_url;              // "" = infrastructure and PromQL sources are skipped
  TimeMs prometheus_timeout_ms = 10'000;
  TimeMs window_lookback_ms = 15 * 60'000;       // window starts this long before the first alert
  TimeMs regression_lookback_ms = 6 * 3600'000;  // metric series this long before the split
  int max_concurrent = 2;                        // diagnoses running at once
};

// DiagnosisService is thread-safe; at most options.max_concurrent diagnoses run at once.
class DiagnosisService {
 public:
  // `evidence` may be null; when set, each diagnosis is also stored on its incident as evidence:
  // the result JSON, the readable report and, when drift ran, the per-feature histograms.
  DiagnosisService(incident::IncidentService& incidents, storage::SqlDiagnosisStore& store,
                   const Clock& clock, DiagnosisServiceOptions options,
                   evidence::EvidenceStore* evidence = nullptr);

  // SetEvidenceStore attaches the evidence store after construction (the app builds the
  // stabilise stack, which owns it, after this service). `evidence` must outlive the service.
  void SetEvidenceStore(evidence::EvidenceStore* evidence) { evidence_.store(evidence); }

  // RunForIncident diagnoses with the pinned runbook's investigate.diagnose section and stores
  // the result as `actor`. Errors: NotFound (no incident), FailedPrecondition (its runbook is no
  // longer loaded), ResourceExhausted (too many diagnoses running; retry), storage errors.
  Result<storage::StoredDiagnosis> RunForIncident(std::int64_t incident_id,
                                                  const std::string& actor);

  // RunWithConfig is RunForIncident with a given section: what a runbook `diagnose` step runs.
  // `origin` names it in the result ("investigate", "step/<id>").
  Result<storage::StoredDiagnosis> RunWithConfig(std::int64_t incident_id,
                                                 const runbook::DiagnoseConfig& config,
                                                 const std::string& actor,
                                                 const std::string& origin);

  storage::SqlDiagnosisStore& store() { return store_; }

 private:
  Result<storage::StoredDiagnosis> Run(std::int64_t incident_id,
                                       const runbook::DiagnoseConfig* config,
                                       const std::string& actor, const std::string& origin);

  incident::IncidentService& incidents_;
  storage::SqlDiagnosisStore& store_;
  const Clock& clock_;
  const DiagnosisServiceOptions options_;
  std::atomic<evidence::EvidenceStore*> evidence_;
  PrometheusClient prometheus_;
  std::atomic<int> running_{0};
};

// DiagnosisToJson renders a stored diagnosis for the API: {id, incident, created_at, actor,
// verdict, score, result_sha256, result, report}.
nlohmann::json DiagnosisToJson(const storage::StoredDiagnosis& diagnosis);

}  // namespace vakt::diagnose
