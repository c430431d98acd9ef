#include "action/action_executor.h"

namespace vakt::action {
namespace {

ActionResult FromHttp(const HttpOutcome& outcome) {
  ActionResult result;
  result.outcome = outcome.Succeeded() ? StepState::kSucceeded : StepState::kFailed;
  result.summary = "HTTP " + std::to_string(outcome.status_code) + " after " +
                   std::to_string(outcome.attempts) + " attempt(s)" +
                   (outcome.body_truncated ? ", body truncated" : "");
  result.output = outcome.body;
  for (const auto& [name, value] : outcome.headers) {
    if (name == "content-type") result.content_type = value;
  }
  return result;
}

ActionResult FromCommand(const CommandOutcome& outcome) {
  ActionResult result;
  if (outcome.timed_out) {
    result.outcome = StepState::kTimedOut;
    result.summary = "timed out after " + std::to_string(outcome.duration_ms) + " ms";
  } else if (outcome.Succeeded()) {
    result.outcome = StepState::kSucceeded;
    result.summary = "exit 0";
  } else {
    result.outcome = StepState::kFailed;
    result.summary = outcome.exited ? "exit " + std::to_string(outcome.exit_code)
                                    : "killed by signal " + std::to_string(outcome.term_signal);
  }
  if (outcome.stdout_truncated) result.summary += ", output truncated";
  result.output = outcome.stdout_data;
  result.content_type = "text/plain";
  return result;
}

}  // namespace

Result<ActionResult> StandardActionExecutor::Execute(const RenderedAction& action,
                                                     std::string_view execution_id) const {
  if (const auto* http = std::get_if<HttpAction>(&action)) {
    if (!http_) return Status::FailedPrecondition("http actions are not enabled");
    auto outcome = http_->Execute(*http, std::string(execution_id));
    if (outcome.status().code() == StatusCode::kDeadlineExceeded) {
      return ActionResult{StepState::kOutcomeUnknown, outcome.status().message(), "", ""};
    }
    if (outcome.status().code() == StatusCode::kUnavailable) {
      return ActionResult{StepState::kFailed, outcome.status().message(), "", ""};
    }
    VAKT_RETURN_IF_ERROR(outcome.status());
    return FromHttp(*outcome);
  }
  const auto& command = std::get<CommandAction>(action);
  if (!command_) return Status::FailedPrecondition("command actions are not enabled");
  VAKT_ASSIGN_OR_RETURN(CommandOutcome outcome, command_->Run(command));
  return FromCommand(outcome);
}

Result<StepRecord> RunClaimedStep(StepStore& store, const StepRecord& claimed,
                                  const RenderedAction& action, const ActionExecutor& executor,
                                  const Clock& clock) {
  if (claimed.state != StepState::kRunning || claimed.execution_id.empty()) {
    return Status::FailedPrecondition("step " + claimed.key.step_id + " was not claimed");
  }
  if (claimed.requires_approval && ActionContentHash(action) != claimed.approved_action_hash) {
    return Status::FailedPrecondition("action content differs from what was approved");
  }
  auto result = executor.Execute(action, claimed.execution_id);
  if (!result.ok()) {
    // Refused before anything happened: the run failed, and says why.
    return FinishRun(store, claimed.key, claimed.execution_id, StepState::kFailed,
                     result.status().ToString(), clock.NowMs());
  }
  return FinishRun(store, claimed.key, claimed.execution_id, result->outcome, result->summary,
                   clock.NowMs());
}

}  // namespace vakt::action
