#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::action {

// ApprovalPolicy is a step's `approval:` block: who may approve and how many must.
struct ApprovalPolicy {
  std::vector<std::string> roles;       // an approver needs at least one of these
  int count = 1;                        // N distinct approvers (N-of-M)
  bool distinct_from_requester = true;  // the requester's own approval does not count
  TimeMs expires_after_ms = 30 * 60 * 1000;  // 0: never expires
};

// ValidateApprovalPolicy returns InvalidArgument for no roles, count < 1 or a negative expiry.
Status ValidateApprovalPolicy(const ApprovalPolicy& policy);

// Actor is an authenticated person (or service) with its roles, as the API resolved them.
struct Actor {
  std::string id;
  std::vector<std::string> roles;
};

// ApprovalVote is one recorded approve or deny, bound to the action content hash it was given for.
struct ApprovalVote {
  std::string actor;
  bool approve = false;
  std::string action_hash;
  TimeMs time = 0;
  std::string comment;
};

enum class ApprovalState {
  kPending,   // not enough approvals yet
  kApproved,  // quorum reached for the current action content and not expired
  kDenied,    // someone eligible denied, or the request expired (see reason)
};

std::string_view ApprovalStateName(ApprovalState state);

// ApprovalVerdict is the evaluation of a request at a moment, for a given action content.
struct ApprovalVerdict {
  ApprovalState state = ApprovalState::kPending;
  int approvals = 0;  // distinct eligible approvals that count for this content
  int required = 0;
  std::string reason;
};

// ApprovalRequest is one request for approval of a rendered action, bound to the SHA-256 content
// hash of that action (ActionContentHash). Approvals given for another hash never count, so if the
// action is re-rendered differently the old approvals no longer apply and a new request is needed.
//
// Expiry: the request expires `expires_after_ms` after it was opened; from then on it evaluates as
// denied, even if it had reached quorum but was not yet executed (a stale approval must not run).
// The execution claim (step_state.h) checks the verdict at claim time.
//
// A pure value: no I/O, no clock reads (time is passed in). Not synchronised; callers persisting it
// serialise updates (e.g. through the step store's compare-and-set).
class ApprovalRequest {
 public:
  // Open starts a request. InvalidArgument if the policy is invalid or the hash/requester empty.
  static Result<ApprovalRequest> Open(ApprovalPolicy policy, std::string requester,
                                      std::string action_hash, TimeMs now);

  // Restore rebuilds a request loaded from storage; the same validation as Open.
  static Result<ApprovalRequest> Restore(ApprovalPolicy policy, std::string requester,
                                         std::string action_hash, TimeMs requested_at,
                                         TimeMs expires_at, std::vector<ApprovalVote> votes);

  // Approve records an approval by `actor` for the content `action_hash` the actor was shown.
  // Ok also when the same actor approves again (counted once, first approval kept).
  // PermissionDenied: actor lacks every required role, or is the requester while
  // distinct_from_requester. FailedPrecondition: the request is expired or already denied, or
  // `action_hash` is not the content this request is bound to.
  Status Approve(const Actor& actor, std::string_view action_hash, TimeMs now,
                 std::string comment = "");

  // Deny records a veto by an eligible actor (same role rule; the requester may deny, i.e.
  // withdraw, their own request). Errors as for Approve, except self-denial is allowed.
  Status Deny(const Actor& actor, std::string_view action_hash, TimeMs now, std::string reason);

  // Evaluate says whether the request authorises running an action whose content hash is
  // `current_action_hash` at time `now`.
  ApprovalVerdict Evaluate(std::string_view current_action_hash, TimeMs now) const;

  const ApprovalPolicy& policy() const { return policy_; }
  const std::string& requester() const { return requester_; }
  const std::string& action_hash() const { return action_hash_; }
  TimeMs requested_at() const { return requested_at_; }
  // expires_at is 0 when the policy never expires.
  TimeMs expires_at() const { return expires_at_; }
  const std::vector<ApprovalVote>& votes() const { return votes_; }

 private:
  ApprovalRequest() = default;
  bool Expired(TimeMs now) const { return expires_at_ != 0 && now >= expires_at_; }
  bool HasRequiredRole(const Actor& actor) const;
  Status CheckVote(const Actor& actor, std::string_view action_hash, TimeMs now) const;

  ApprovalPolicy policy_;
  std::string requester_;
  std::string action_hash_;
  TimeMs requested_at_ = 0;
  TimeMs expires_at_ = 0;
  std::vector<ApprovalVote> votes_;
};

}  // namespace vakt::action
