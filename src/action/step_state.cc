#include "action/step_state.h"

#include <array>
#include <utility>

#include "common/crypto.h"

namespace vakt::action {
namespace {

struct StateName {
  StepState state;
  std::string_view name;
};

constexpr std::array<StateName, 9> kStateNames = {{
    {StepState::kPending, "pending"},
    {StepState::kAwaitingApproval, "awaiting_approval"},
    {StepState::kApproved, "approved"},
    {StepState::kRunning, "running"},
    {StepState::kSucceeded, "succeeded"},
    {StepState::kFailed, "failed"},
    {StepState::kTimedOut, "timed_out"},
    {StepState::kSkipped, "skipped"},
    {StepState::kOutcomeUnknown, "outcome_unknown"},
}};

struct Transition {
  StepState from;
  StepState to;
};

constexpr std::array<Transition, 15> kAllowed = {{
    {StepState::kPending, StepState::kAwaitingApproval},
    {StepState::kPending, StepState::kRunning},
    {StepState::kPending, StepState::kSkipped},
    {StepState::kAwaitingApproval, StepState::kApproved},
    // A denied or expired approval request ends the step without running it.
    {StepState::kAwaitingApproval, StepState::kSkipped},
    {StepState::kApproved, StepState::kRunning},
    {StepState::kApproved, StepState::kSkipped},
    // An approval voided by a content change or expiry before the run sends the step back.
    {StepState::kApproved, StepState::kAwaitingApproval},
    {StepState::kRunning, StepState::kSucceeded},
    {StepState::kRunning, StepState::kFailed},
    {StepState::kRunning, StepState::kTimedOut},
    {StepState::kRunning, StepState::kOutcomeUnknown},
    // A person who checked the target resolves an unknown outcome.
    {StepState::kOutcomeUnknown, StepState::kSucceeded},
    {StepState::kOutcomeUnknown, StepState::kFailed},
    // ...or decides, explicitly, to run it again (never done automatically).
    {StepState::kOutcomeUnknown, StepState::kRunning},
}};

}  // namespace

std::string_view StepStateName(StepState state) {
  for (const auto& entry : kStateNames) {
    if (entry.state == state) return entry.name;
  }
  return "unknown";
}

Result<StepState> ParseStepState(std::string_view name) {
  for (const auto& entry : kStateNames) {
    if (entry.name == name) return entry.state;
  }
  return Status::InvalidArgument("unknown step state '" + std::string(name) + "'");
}

bool IsTerminalStepState(StepState state) {
  return state == StepState::kSucceeded || state == StepState::kFailed ||
         state == StepState::kTimedOut || state == StepState::kSkipped;
}

bool IsAllowedStepTransition(StepState from, StepState to) {
  if (from == to) return false;
  for (const auto& transition : kAllowed) {
    if (transition.from == from && transition.to == to) return true;
  }
  return false;
}

StepRecord NewStepRecord(StepKey key, bool requires_approval) {
  StepRecord record;
  record.key = std::move(key);
  record.requires_approval = requires_approval;
  return record;
}

Status ApplyTransition(StepRecord& record, StepState to, std::string actor, TimeMs now,
                       std::string reason) {
  const StepState from = record.state;
  if (!IsAllowedStepTransition(from, to)) {
    return Status::FailedPrecondition("step " + record.key.step_id + " cannot go from " +
                                      std::string(StepStateName(from)) + " to " +
                                      std::string(StepStateName(to)));
  }
  if (from == StepState::kPending && to == StepState::kRunning && record.requires_approval) {
    return Status::FailedPrecondition("step " + record.key.step_id + " requires approval");
  }
  if (from == StepState::kPending && to == StepState::kAwaitingApproval &&
      !record.requires_approval) {
    return Status::FailedPrecondition("step " + record.key.step_id + " needs no approval");
  }
  record.state = to;
  record.history.push_back({from, to, std::move(actor), now, std::move(reason)});
  return Status::Ok();
}

Status MarkApproved(StepRecord& record, std::string action_hash, std::string actor, TimeMs now,
                    std::string reason) {
  if (action_hash.empty()) return Status::InvalidArgument("approval without an action hash");
  VAKT_RETURN_IF_ERROR(
      ApplyTransition(record, StepState::kApproved, std::move(actor), now, std::move(reason)));
  record.approved_action_hash = std::move(action_hash);
  return Status::Ok();
}

Status BeginRun(StepRecord& record, std::string_view current_action_hash,
                std::string execution_id, std::string actor, TimeMs now) {
  if (execution_id.empty()) return Status::InvalidArgument("run without an execution id");
  if (record.state == StepState::kOutcomeUnknown) {
    return Status::FailedPrecondition("step " + record.key.step_id +
                                      " has an unknown outcome; a person must confirm or re-run it");
  }
  if (record.requires_approval) {
    if (record.state != StepState::kApproved) {
      return Status::FailedPrecondition("step " + record.key.step_id + " is " +
                                        std::string(StepStateName(record.state)) +
                                        ", not approved");
    }
    if (record.approved_action_hash != current_action_hash) {
      return Status::FailedPrecondition("step " + record.key.step_id +
                                        " was approved for different action content");
    }
  }
  VAKT_RETURN_IF_ERROR(ApplyTransition(record, StepState::kRunning, std::move(actor), now,
                                       "execution " + execution_id));
  record.execution_id = std::move(execution_id);
  return Status::Ok();
}

Status BeginRerun(StepRecord& record, std::string_view current_action_hash,
                  std::string execution_id, std::string actor, TimeMs now, std::string reason) {
  if (record.state != StepState::kOutcomeUnknown) {
    return Status::FailedPrecondition("step " + record.key.step_id + " is " +
                                      std::string(StepStateName(record.state)) +
                                      ", not outcome_unknown");
  }
  if (reason.empty()) return Status::InvalidArgument("reason: say why it is safe to run again");
  if (execution_id.empty()) return Status::InvalidArgument("run without an execution id");
  if (record.requires_approval && record.approved_action_hash != current_action_hash) {
    return Status::FailedPrecondition("step " + record.key.step_id +
                                      " was approved for different action content");
  }
  VAKT_RETURN_IF_ERROR(ApplyTransition(record, StepState::kRunning, std::move(actor), now,
                                       "re-run as execution " + execution_id + ": " + reason));
  record.execution_id = std::move(execution_id);
  return Status::Ok();
}

bool ReconcileAfterCrash(StepRecord& record, TimeMs now) {
  if (record.state != StepState::kRunning) return false;
  return ApplyTransition(record, StepState::kOutcomeUnknown, "system", now,
                         "vakt restarted while execution " + record.execution_id +
                             " was running; check the target and resolve by hand")
      .ok();
}

Result<StepRecord> ClaimForRun(StepStore& store, const StepKey& key,
                               std::uint64_t expected_version,
                               std::string_view current_action_hash, std::string actor,
                               TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(StepRecord record, store.Get(key));
  if (record.version != expected_version) {
    return Status::FailedPrecondition("step " + key.step_id + " changed (version " +
                                      std::to_string(record.version) + ", expected " +
                                      std::to_string(expected_version) + ")");
  }
  VAKT_RETURN_IF_ERROR(
      BeginRun(record, current_action_hash, "exec_" + RandomToken(16), std::move(actor), now));
  // The store's compare-and-set, not the Get above, decides the race.
  return store.CompareAndSet(record, expected_version);
}

Result<StepRecord> FinishRun(StepStore& store, const StepKey& key, std::string_view execution_id,
                             StepState outcome, std::string reason, TimeMs now) {
  if (outcome != StepState::kSucceeded && outcome != StepState::kFailed &&
      outcome != StepState::kTimedOut && outcome != StepState::kOutcomeUnknown) {
    return Status::InvalidArgument(
        "a run ends as succeeded, failed, timed_out or outcome_unknown");
  }
  VAKT_ASSIGN_OR_RETURN(StepRecord record, store.Get(key));
  if (record.state != StepState::kRunning || record.execution_id != execution_id) {
    return Status::FailedPrecondition("step " + key.step_id + " is not running execution " +
                                      std::string(execution_id));
  }
  const std::uint64_t expected = record.version;
  VAKT_RETURN_IF_ERROR(ApplyTransition(record, outcome, "system", now, std::move(reason)));
  return store.CompareAndSet(record, expected);
}

Result<int> ReconcileAllAfterCrash(StepStore& store, TimeMs now) {
  int changed = 0;
  VAKT_ASSIGN_OR_RETURN(std::vector<StepRecord> records, store.List(""));
  for (StepRecord record : records) {
    const std::uint64_t expected = record.version;
    if (!ReconcileAfterCrash(record, now)) continue;
    VAKT_RETURN_IF_ERROR(store.CompareAndSet(record, expected).status());
    ++changed;
  }
  return changed;
}

}  // namespace vakt::action
