#include "action/approval.h"

#include <algorithm>
#include <set>

namespace vakt::action {

std::string_view ApprovalStateName(ApprovalState state) {
  switch (state) {
    case ApprovalState::kPending:
      return "pending";
    case ApprovalState::kApproved:
      return "approved";
    case ApprovalState::kDenied:
      return "denied";
  }
  return "unknown";
}

Status ValidateApprovalPolicy(const ApprovalPolicy& policy) {
  if (policy.roles.empty()) return Status::InvalidArgument("approval needs at least one role");
  if (policy.count < 1) return Status::InvalidArgument("approval count must be at least 1");
  if (policy.expires_after_ms < 0) {
    return Status::InvalidArgument("approval expiry must not be negative");
  }
  return Status::Ok();
}

Result<ApprovalRequest> ApprovalRequest::Open(ApprovalPolicy policy, std::string requester,
                                              std::string action_hash, TimeMs now) {
  VAKT_RETURN_IF_ERROR(ValidateApprovalPolicy(policy));
  if (requester.empty()) return Status::InvalidArgument("approval request needs a requester");
  if (action_hash.empty()) return Status::InvalidArgument("approval request needs an action hash");
  ApprovalRequest request;
  request.expires_at_ = policy.expires_after_ms == 0 ? 0 : now + policy.expires_after_ms;
  request.policy_ = std::move(policy);
  request.requester_ = std::move(requester);
  request.action_hash_ = std::move(action_hash);
  request.requested_at_ = now;
  return request;
}

Result<ApprovalRequest> ApprovalRequest::Restore(ApprovalPolicy policy, std::string requester,
                                                 std::string action_hash, TimeMs requested_at,
                                                 TimeMs expires_at,
                                                 std::vector<ApprovalVote> votes) {
  VAKT_ASSIGN_OR_RETURN(ApprovalRequest request,
                        Open(std::move(policy), std::move(requester), std::move(action_hash),
                             requested_at));
  request.expires_at_ = expires_at;
  request.votes_ = std::move(votes);
  return request;
}

bool ApprovalRequest::HasRequiredRole(const Actor& actor) const {
  return std::any_of(actor.roles.begin(), actor.roles.end(), [this](const std::string& role) {
    return std::find(policy_.roles.begin(), policy_.roles.end(), role) != policy_.roles.end();
  });
}

Status ApprovalRequest::CheckVote(const Actor& actor, std::string_view action_hash,
                                  TimeMs now) const {
  if (actor.id.empty()) return Status::InvalidArgument("approver has no identity");
  if (!HasRequiredRole(actor)) {
    return Status::PermissionDenied("'" + actor.id + "' holds none of the required roles");
  }
  if (Expired(now)) return Status::FailedPrecondition("approval request has expired");
  if (action_hash != action_hash_) {
    return Status::FailedPrecondition(
        "the action changed since approval was requested; request approval again");
  }
  if (Evaluate(action_hash_, now).state == ApprovalState::kDenied) {
    return Status::FailedPrecondition("approval request was denied");
  }
  return Status::Ok();
}

Status ApprovalRequest::Approve(const Actor& actor, std::string_view action_hash, TimeMs now,
                                std::string comment) {
  VAKT_RETURN_IF_ERROR(CheckVote(actor, action_hash, now));
  if (policy_.distinct_from_requester && actor.id == requester_) {
    return Status::PermissionDenied("the requester cannot approve their own request");
  }
  bool already = std::any_of(votes_.begin(), votes_.end(), [&](const ApprovalVote& vote) {
    return vote.approve && vote.actor == actor.id;
  });
  if (already) return Status::Ok();
  votes_.push_back({actor.id, true, std::string(action_hash), now, std::move(comment)});
  return Status::Ok();
}

Status ApprovalRequest::Deny(const Actor& actor, std::string_view action_hash, TimeMs now,
                             std::string reason) {
  VAKT_RETURN_IF_ERROR(CheckVote(actor, action_hash, now));
  votes_.push_back({actor.id, false, std::string(action_hash), now, std::move(reason)});
  return Status::Ok();
}

ApprovalVerdict ApprovalRequest::Evaluate(std::string_view current_action_hash,
                                          TimeMs now) const {
  ApprovalVerdict verdict;
  verdict.required = policy_.count;
  for (const auto& vote : votes_) {
    if (!vote.approve && vote.action_hash == current_action_hash) {
      verdict.state = ApprovalState::kDenied;
      verdict.reason = "denied by " + vote.actor +
                       (vote.comment.empty() ? std::string() : ": " + vote.comment);
      return verdict;
    }
  }
  if (Expired(now)) {
    verdict.state = ApprovalState::kDenied;
    verdict.reason = "approval request expired";
    return verdict;
  }
  if (current_action_hash != action_hash_) {
    verdict.reason = "action content changed since approval was requested";
    return verdict;
  }
  std::set<std::string> approvers;
  for (const auto& vote : votes_) {
    // Votes are checked when cast; these conditions re-check in case the record was loaded
    // from storage written by an older version with other rules.
    if (vote.approve && vote.action_hash == current_action_hash &&
        !(policy_.distinct_from_requester && vote.actor == requester_)) {
      approvers.insert(vote.actor);
    }
  }
  verdict.approvals = static_cast<int>(approvers.size());
  if (verdict.approvals >= policy_.count) {
    verdict.state = ApprovalState::kApproved;
    verdict.reason = std::to_string(verdict.approvals) + " of " +
                     std::to_string(policy_.count) + " approvals";
  } else {
    verdict.reason = "waiting for " + std::to_string(policy_.count - verdict.approvals) +
                     " more approval(s)";
  }
  return verdict;
}

}  // namespace vakt::action
