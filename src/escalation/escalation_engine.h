#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "escalation/escalation_state.h"
#include "escalation/policy.h"
#include "oncall/directory.h"

namespace vakt::escalation {

// TargetResolver turns a policy target into the users to page at a given instant. Implementations
// must be safe for concurrent calls.
class TargetResolver {
 public:
  virtual ~TargetResolver() = default;
  // Resolve returns user ids (possibly none, e.g. a schedule with a gap at `at`).
  virtual std::vector<std::string> Resolve(const Target& target, TimeMs at) const = 0;
};

// DirectoryResolver resolves through an on-call Directory: user -> itself, schedule ->
// WhoIsOnCall(schedule, at), team -> every member. Unknown ids resolve to nobody (config loading
// rejects them, so this only happens after a reload removed one). Borrows `directory`, which
// must outlive it. Thread-safe (read-only).
class DirectoryResolver final : public TargetResolver {
 public:
  explicit DirectoryResolver(const oncall::Directory& directory) : directory_(directory) {}
  std::vector<std::string> Resolve(const Target& target, TimeMs at) const override;

 private:
  const oncall::Directory& directory_;
};

// PageIntent is one page the engine decided is due: notify/ delivers it to `user` (through the
// user's notification rules). `idempotency_key` is deterministic — incident, policy, level, loop
// and user — so the durable page record can carry a UNIQUE constraint on it: whatever re-runs,
// a (level, loop) pages a given user at most once.
struct PageIntent {
  std::string incident_id;
  std::string policy_id;
  int level = 0;  // 0-based; printed 1-based
  int loop = 0;
  std::string target;  // how the user was reached: "schedule:ml-fraud"
  std::string user;
  std::string idempotency_key;
  TimeMs due_at = 0;    // when the level was due
  TimeMs fired_at = 0;  // the `now` it was decided at (>= due_at; later after an outage)
};

// StepResult is the outcome of one Advance: the pages to send, the state to persist (in the same
// transaction as the page records) and human-readable notes for the audit log (e.g. a level that
// resolved to nobody).
struct StepResult {
  EscalationState state;
  std::vector<PageIntent> pages;
  std::vector<std::string> notes;
};

// StartEscalation returns the state of a newly triggered incident: level 0 due at `triggered_at`.
EscalationState StartEscalation(const EscalationPolicy& policy, std::string incident_id,
                                TimeMs triggered_at, std::uint64_t round_robin_offset);

// Advance is the pure escalation state machine. Given the persisted state and `now`:
//  * not active, or now < next_due_at: no pages, state unchanged.
//  * otherwise the ONE level at state.level fires (pages resolved at `now`, so a schedule handoff
//    during an escalation reaches the person on call now), and the next level becomes due at
//    now + that level's delay; after the last level the policy loops while loop < repeat, then
//    the state is exhausted (next_due_at unset).
//  * Overdue after an outage: however late `now` is, only the pending level fires, once; the
//    levels after it keep their full delays measured from this firing. Nothing is skipped and
//    people are not paged for several levels at the same instant (they would get no chance to
//    acknowledge the first). A level that resolves to nobody is noted and the next level fires
//    immediately in the same step (there is nobody to wait for).
// Exactly once: persist the returned state together with the page records (keyed by
// idempotency_key) in one transaction. If that transaction is lost, re-running Advance from the
// old state yields the same keys for the same users. Errors: InvalidArgument if the state
// belongs to another policy.
Result<StepResult> Advance(const EscalationPolicy& policy, const EscalationState& state, TimeMs now,
                           const TargetResolver& resolver);

// Acknowledge / Resolve stop an active escalation (no later pages). Stopping a stopped
// escalation changes nothing, so replays are harmless. Resolve after Acknowledge records the
// resolution.
EscalationState Acknowledge(const EscalationState& state, TimeMs now);
EscalationState Resolve(const EscalationState& state, TimeMs now);

// IdempotencyKey builds "esc:<incident>:<policy>:L<level+1>:R<loop>:<user>", percent-encoding
// ':' and '%' in the ids so distinct tuples never collide.
std::string IdempotencyKey(std::string_view incident_id, std::string_view policy_id, int level,
                           int loop, std::string_view user);

// SimulateEscalation runs a policy for an incident triggered at `triggered_at` that nobody
// acknowledges, returning every page in order (the "who gets paged at T" simulator).
std::vector<StepResult> SimulateEscalation(const EscalationPolicy& policy,
                                           const TargetResolver& resolver, TimeMs triggered_at,
                                           std::uint64_t round_robin_offset = 0);

}  // namespace vakt::escalation
