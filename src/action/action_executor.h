#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "action/command_executor.h"
#include "action/http_executor.h"
#include "action/rendered_action.h"
#include "action/step_state.h"
#include "common/status.h"

namespace vakt::action {

// ActionResult is how one execution ended, in step terms, plus what it produced (for evidence).
struct ActionResult {
  StepState outcome = StepState::kFailed;  // succeeded, failed, timed_out or outcome_unknown
  std::string summary;                     // one line for the timeline ("HTTP 200", "exit 3")
  std::string output;                      // response body or stdout, already capped
  std::string content_type;
};

// ActionExecutor is the seam between the step machinery and the side effect: one implementation
// per action kind. Implementations are safe for concurrent use.
class ActionExecutor {
 public:
  virtual ~ActionExecutor() = default;
  // Execute runs `action` once under `execution_id` (the idempotency key). Returns the result for
  // any run that happened, successful or not; an error Status only when the action was refused
  // before anything was sent or started (bad action, egress denied, kind not handled).
  virtual Result<ActionResult> Execute(const RenderedAction& action,
                                       std::string_view execution_id) const = 0;
};

// StandardActionExecutor dispatches http actions to an HttpExecutor and command actions to a
// CommandExecutor, and maps their outcomes to step states. An HTTP attempt that timed out becomes
// outcome_unknown: the server may have acted, so a person must check. Immutable; thread-safe.
class StandardActionExecutor final : public ActionExecutor {
 public:
  StandardActionExecutor(std::shared_ptr<const HttpExecutor> http,
                         std::shared_ptr<const CommandExecutor> command)
      : http_(std::move(http)), command_(std::move(command)) {}

  Result<ActionResult> Execute(const RenderedAction& action,
                               std::string_view execution_id) const override;

 private:
  std::shared_ptr<const HttpExecutor> http_;
  std::shared_ptr<const CommandExecutor> command_;
};

// RunClaimedStep executes the action of a step this caller won with ClaimForRun and records the
// end of that run (FinishRun). `action` must hash to the claimed step's approved content;
// otherwise FailedPrecondition and nothing runs. Returns the finished record.
Result<StepRecord> RunClaimedStep(StepStore& store, const StepRecord& claimed,
                                  const RenderedAction& action, const ActionExecutor& executor,
                                  const Clock& clock);

}  // namespace vakt::action
