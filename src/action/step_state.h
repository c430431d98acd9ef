#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "action/approval.h"
#include "common/clock.h"
#include "common/status.h"

namespace vakt::action {

// StepState is where one runbook step of one incident stands.
//
//   pending ──► awaiting_approval ──► approved ──► running ──► succeeded | failed | timed_out
//      │               │    ▲             │            └─────► outcome_unknown ──► succeeded | failed
//      │               │    └─────────────┘ (approval voided: content changed or expired)
//      │                                      outcome_unknown ──► running (a person re-runs it)
//      ├───────────────┴──────────────────┴──► skipped
//      └──► running (steps without approval)
//
// outcome_unknown is entered only by ReconcileAfterCrash; a person resolves it.
enum class StepState {
  kPending,
  kAwaitingApproval,
  kApproved,
  kRunning,
  kSucceeded,
  kFailed,
  kTimedOut,
  kSkipped,
  kOutcomeUnknown,
};

std::string_view StepStateName(StepState state);
// ParseStepState reads the snake_case names StepStateName writes; InvalidArgument otherwise.
Result<StepState> ParseStepState(std::string_view name);
// IsTerminalStepState: succeeded, failed, timed_out, skipped.
bool IsTerminalStepState(StepState state);
// IsAllowedStepTransition is the diagram above as a table.
bool IsAllowedStepTransition(StepState from, StepState to);

// StepEvent records one transition for the incident timeline and the audit log.
struct StepEvent {
  StepState from = StepState::kPending;
  StepState to = StepState::kPending;
  std::string actor;
  TimeMs time = 0;
  std::string reason;
};

// StepKey names a step within an incident's runbook instance.
struct StepKey {
  std::string incident_id;
  std::string step_id;
  auto operator<=>(const StepKey&) const = default;
};

// StepRun is one execution attempt of a step.
struct StepRun {
  int attempt = 0;           // 1, 2, ... within the step
  std::string execution_id;  // the idempotency key sent with the action
  TimeMs started_at = 0;
  TimeMs finished_at = 0;    // 0 while running
  std::string outcome;       // StepStateName of the result; "" while running
  std::string output_excerpt;
  std::vector<std::string> evidence;  // SHA-256 digests of evidence captured by this run
  bool operator==(const StepRun&) const = default;
};

// StepRecord is the stored state of one step. A plain value; StepStore serialises changes.
// History, votes and runs only grow: a store persists the entries a change appends (and the
// last run's end), so every transition and vote is kept.
struct StepRecord {
  StepKey key;
  bool requires_approval = false;
  StepState state = StepState::kPending;
  // version increases by one with every stored change; it is the compare-and-set token.
  std::uint64_t version = 0;
  // approved_action_hash is the content hash the approval was given for; a run must match it.
  std::string approved_action_hash;
  // execution_id names the current (or last) run and is its idempotency key.
  std::string execution_id;
  std::vector<StepEvent> history;

  // content_hash is the rendered action's hash when the step was requested (what approvers see).
  std::string content_hash;
  std::string requested_by;
  TimeMs requested_at = 0;
  // approval is the runbook's policy as it was when the step was requested (a snapshot, so a
  // runbook reload cannot loosen a pending request); approval_expires_at is 0 for never.
  ApprovalPolicy approval;
  TimeMs approval_expires_at = 0;
  std::vector<ApprovalVote> votes;
  std::vector<StepRun> runs;
  // lease_owner / lease_expires_at: the process running the step and until when it promises to
  // record the end. A run whose lease expired is outcome_unknown, never re-run blindly.
  std::string lease_owner;
  TimeMs lease_expires_at = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// NewStepRecord returns a pending step with no history.
StepRecord NewStepRecord(StepKey key, bool requires_approval);

// ApplyTransition moves `record` to `to`, appending a StepEvent. FailedPrecondition if the
// transition is not allowed, or if it skips the approval gate (pending → running on a step that
// requires approval, pending → awaiting_approval on one that does not). Leaves `record`
// untouched on error. Does not change `version` (the store does).
Status ApplyTransition(StepRecord& record, StepState to, std::string actor, TimeMs now,
                       std::string reason);

// MarkApproved moves awaiting_approval → approved and binds the step to `action_hash`.
Status MarkApproved(StepRecord& record, std::string action_hash, std::string actor, TimeMs now,
                    std::string reason);

// BeginRun moves approved (or pending, for steps without approval) → running under a fresh
// `execution_id`. FailedPrecondition if the state does not allow a run, or if the step was
// approved for other content than `current_action_hash`.
Status BeginRun(StepRecord& record, std::string_view current_action_hash,
                std::string execution_id, std::string actor, TimeMs now);

// BeginRerun is a person's explicit decision to run a step again whose outcome is unknown
// (outcome_unknown → running), with `reason` saying why that is safe. The approval still binds
// the content. BeginRun and ClaimForRun never do this on their own. FailedPrecondition for
// another state or changed content; InvalidArgument without a reason.
Status BeginRerun(StepRecord& record, std::string_view current_action_hash,
                  std::string execution_id, std::string actor, TimeMs now, std::string reason);

// ReconcileAfterCrash turns a step left `running` by a crashed process into outcome_unknown, for
// a person to resolve; no action is ever re-run automatically. Returns whether it changed.
bool ReconcileAfterCrash(StepRecord& record, TimeMs now);

// StepStore keeps StepRecords with compare-and-set updates, which is what makes "approved once,
// executed once" hold across concurrent requests and processes. Implementations are safe for
// concurrent use.
class StepStore {
 public:
  virtual ~StepStore() = default;
  // Create stores a new record at version 1. AlreadyExists if the key is taken.
  virtual Result<StepRecord> Create(StepRecord record) = 0;
  // Get returns the record or NotFound.
  virtual Result<StepRecord> Get(const StepKey& key) const = 0;
  // CompareAndSet replaces the record iff its stored version equals `expected_version`, storing
  // `next` at version expected_version + 1 and returning it. FailedPrecondition on a version
  // mismatch (someone else changed the step first); NotFound if missing.
  virtual Result<StepRecord> CompareAndSet(const StepRecord& next,
                                           std::uint64_t expected_version) = 0;
  // List returns every record of the incident ("" for all incidents), ordered by key; the
  // storage error if it cannot be read.
  virtual Result<std::vector<StepRecord>> List(const std::string& incident_id) const = 0;
};

// ClaimForRun is the exactly-once gate: it starts a run of the step iff the step is still at
// `expected_version` (the version the caller looked at when it decided to run) and BeginRun
// allows it. On success the returned record is `running` with a new execution id, and the caller
// — and no one else — must execute the action. FailedPrecondition when another claim (or any
// other change) won the race, or when BeginRun refuses.
Result<StepRecord> ClaimForRun(StepStore& store, const StepKey& key,
                               std::uint64_t expected_version,
                               std::string_view current_action_hash, std::string actor,
                               TimeMs now);

// FinishRun records the end of the run named `execution_id` (to succeeded, failed, timed_out, or
// outcome_unknown when the executor cannot tell whether the target acted).
// FailedPrecondition if the step is no longer running that execution.
Result<StepRecord> FinishRun(StepStore& store, const StepKey& key, std::string_view execution_id,
                             StepState outcome, std::string reason, TimeMs now);

// ReconcileAllAfterCrash applies ReconcileAfterCrash to every stored step; run at startup.
// Returns how many steps became outcome_unknown.
Result<int> ReconcileAllAfterCrash(StepStore& store, TimeMs now);

}  // namespace vakt::action
