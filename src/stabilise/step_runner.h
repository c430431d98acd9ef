#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "action/command_executor.h"
#include "action/http_executor.h"
#include "action/step_state.h"
#include "evidence/evidence_store.h"
#include "model/incident.h"
#include "runbook/runbook.h"
#include "stabilise/step_renderer.h"

namespace vakt::stabilise {

// DiagnoseHook runs a `diagnose` step for an incident and returns its report (stored as
// evidence). Set by the app from the diagnostics module; absent means diagnose steps fail with
// a message saying so.
using DiagnoseHook = std::function<Result<nlohmann::json>(const Incident& incident,
                                                          const runbook::DiagnoseConfig& config)>;

// RunOutcome is how one execution ended and what it produced.
struct RunOutcome {
  action::StepState outcome = action::StepState::kFailed;
  std::string summary;                // one line for the timeline
  std::string output;                 // response body / stdout, capped
  std::vector<std::string> evidence;  // digests stored by this run
};

// StepRunnerDeps are the executors and stores a run may use. Executors are immutable and safe
// to share between runs.
struct StepRunnerDeps {
  std::shared_ptr<const action::HttpExecutor> http;
  std::shared_ptr<const action::CommandExecutor> command;
  evidence::EvidenceStore* evidence = nullptr;
  std::string prometheus_url;  // base URL for capture/check PromQL ("" = env PROMETHEUS_URL)
  DiagnoseHook diagnose;
  const Clock* clock = nullptr;
  // sleep waits up to `ms` and returns false when the service is stopping (loops then end).
  std::function<bool(TimeMs ms)> sleep;
};

// ExecuteStep performs a claimed step's side effect once under `execution_id`: http and command
// actions through their executors (the response/output is kept as evidence), capture sources into
// the evidence store, check polling until its condition holds for for_ms or the timeout passes,
// wait, and diagnose through the hook. Manual and notify steps have no side effect here (the
// service records them). Never throws; every failure is an outcome with a summary.
RunOutcome ExecuteStep(const runbook::Step& step, const RenderedStep& rendered,
                       const Incident& incident, const std::string& execution_id,
                       const std::string& actor, const StepRunnerDeps& deps);

// EvaluateCondition applies a check condition such as "< 0.001" or ">= 2" to `value`; an empty
// condition holds for any value. InvalidArgument for an unreadable condition. Pure.
Result<bool> EvaluateCondition(const std::string& condition, double value);

}  // namespace vakt::stabilise
