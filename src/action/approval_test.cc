#include "action/approval.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vakt::action {
namespace {

constexpr TimeMs kT0 = 1'700'000'000'000;
constexpr TimeMs kMinute = 60'000;
const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

// Step is one vote cast in a scenario.
struct Step {
  std::string actor;
  std::vector<std::string> roles;
  bool approve;
  std::string hash;
  TimeMs at_offset;
  StatusCode want_code;
};

struct ApprovalCase {
  std::string name;
  ApprovalPolicy policy;
  std::vector<Step> steps;
  std::string evaluate_hash;
  TimeMs evaluate_offset;
  ApprovalState want_state;
  int want_approvals;
};

ApprovalPolicy Policy(int count, bool distinct = true, TimeMs expires = 30 * kMinute) {
  return ApprovalPolicy{{"approver", "sre-lead"}, count, distinct, expires};
}

const std::vector<std::string> kApprover = {"approver"};
constexpr auto kOk = StatusCode::kOk;

std::vector<ApprovalCase> ApprovalCases() {
  return {
      {"single approver approves",
       Policy(1),
       {{"bob", kApprover, true, kHashA, kMinute, kOk}},
       kHashA,
       2 * kMinute,
       ApprovalState::kApproved,
       1},
      {"no votes is pending", Policy(1), {}, kHashA, kMinute, ApprovalState::kPending, 0},
      {"self approval refused when distinct",
       Policy(1),
       {{"alice", kApprover, true, kHashA, kMinute, StatusCode::kPermissionDenied}},
       kHashA,
       kMinute,
       ApprovalState::kPending,
       0},
      {"self approval allowed when not distinct",
       Policy(1, /*distinct=*/false),
       {{"alice", kApprover, true, kHashA, kMinute, kOk}},
       kHashA,
       kMinute,
       ApprovalState::kApproved,
       1},
      {"wrong role refused",
       Policy(1),
       {{"mallory", {"viewer", "responder"}, true, kHashA, kMinute, StatusCode::kPermissionDenied}},
       kHashA,
       kMinute,
       ApprovalState::kPending,
       0},
      {"any listed role suffices",
       Policy(1),
       {{"carol", {"sre-lead"}, true, kHashA, 0, kOk}},
       kHashA,
       0,
       ApprovalState::kApproved,
       1},
      {"duplicate approval counted once",
       Policy(2),
       {{"bob", kApprover, true, kHashA, kMinute, kOk},
        {"bob", kApprover, true, kHashA, 2 * kMinute, kOk}},
       kHashA,
       3 * kMinute,
       ApprovalState::kPending,
       1},
      {"two of two distinct approvers",
       Policy(2),
       {{"bob", kApprover, true, kHashA, kMinute, kOk},
        {"carol", kApprover, true, kHashA, 2 * kMinute, kOk}},
       kHashA,
       3 * kMinute,
       ApprovalState::kApproved,
       2},
      {"expired request is denied",
       Policy(1),
       {{"bob", kApprover, true, kHashA, 31 * kMinute, StatusCode::kFailedPrecondition}},
       kHashA,
       31 * kMinute,
       ApprovalState::kDenied,
       0},
      {"approved but unexecuted expires to denied",
       Policy(1),
       {{"bob", kApprover, true, kHashA, kMinute, kOk}},
       kHashA,
       30 * kMinute,
       ApprovalState::kDenied,
       0},
      {"never-expiring policy stays approved",
       Policy(1, true, /*expires=*/0),
       {{"bob", kApprover, true, kHashA, kMinute, kOk}},
       kHashA,
       1000 * kMinute,
       ApprovalState::kApproved,
       1},
      {"approval for other content refused",
       Policy(1),
       {{"bob", kApprover, true, kHashB, kMinute, StatusCode::kFailedPrecondition}},
       kHashA,
       kMinute,
       ApprovalState::kPending,
       0},
      {"changed content voids earlier approvals",
       Policy(1),
       {{"bob", kApprover, true, kHashA, kMinute, kOk}},
       kHashB,
       2 * kMinute,
       ApprovalState::kPending,
       0},
      {"deny vetoes despite quorum",
       Policy(1),
       {{"bob", kApprover, true, kHashA, kMinute, kOk},
        {"carol", kApprover, false, kHashA, 2 * kMinute, kOk}},
       kHashA,
       3 * kMinute,
       ApprovalState::kDenied,
       0},
      {"approve after deny refused",
       Policy(1),
       {{"carol", kApprover, false, kHashA, kMinute, kOk},
        {"bob", kApprover, true, kHashA, 2 * kMinute, StatusCode::kFailedPrecondition}},
       kHashA,
       3 * kMinute,
       ApprovalState::kDenied,
       0},
      {"deny needs a role too",
       Policy(1),
       {{"mallory", {"viewer"}, false, kHashA, kMinute, StatusCode::kPermissionDenied},
        {"bob", kApprover, true, kHashA, 2 * kMinute, kOk}},
       kHashA,
       3 * kMinute,
       ApprovalState::kApproved,
       1},
      {"requester may withdraw by denying",
       Policy(1),
       {{"alice", kApprover, false, kHashA, kMinute, kOk}},
       kHashA,
       2 * kMinute,
       ApprovalState::kDenied,
       0},
  };
}

TEST(ApprovalRequestTest, TableOfScenarios) {
  for (const ApprovalCase& test_case : ApprovalCases()) {
    SCOPED_TRACE(test_case.name);
    auto request = ApprovalRequest::Open(test_case.policy, "alice", kHashA, kT0);
    ASSERT_TRUE(request.ok()) << request.status().ToString();
    for (const Step& step : test_case.steps) {
      Actor actor{step.actor, step.roles};
      TimeMs at = kT0 + step.at_offset;
      Status status = step.approve ? request->Approve(actor, step.hash, at, "ok")
                                   : request->Deny(actor, step.hash, at, "no");
      EXPECT_EQ(status.code(), step.want_code) << step.actor << ": " << status.ToString();
    }
    ApprovalVerdict verdict =
        request->Evaluate(test_case.evaluate_hash, kT0 + test_case.evaluate_offset);
    EXPECT_EQ(ApprovalStateName(verdict.state), ApprovalStateName(test_case.want_state))
        << verdict.reason;
    EXPECT_EQ(verdict.approvals, test_case.want_approvals) << verdict.reason;
  }
}

TEST(ApprovalRequestTest, InvalidPoliciesAreRejected) {
  struct PolicyCase {
    std::string name;
    ApprovalPolicy policy;
  };
  const std::vector<PolicyCase> cases = {
      {"no roles", ApprovalPolicy{{}, 1, true, kMinute}},
      {"zero count", ApprovalPolicy{{"approver"}, 0, true, kMinute}},
      {"negative expiry", ApprovalPolicy{{"approver"}, 1, true, -1}},
  };
  for (const auto& policy_case : cases) {
    EXPECT_EQ(ApprovalRequest::Open(policy_case.policy, "alice", kHashA, kT0).status().code(),
              StatusCode::kInvalidArgument)
        << policy_case.name;
  }
  EXPECT_FALSE(ApprovalRequest::Open(Policy(1), "", kHashA, kT0).ok());
  EXPECT_FALSE(ApprovalRequest::Open(Policy(1), "alice", "", kT0).ok());
}

TEST(ApprovalRequestTest, RestoredRequestEvaluatesLikeTheOriginal) {
  auto request = ApprovalRequest::Open(Policy(2), "alice", kHashA, kT0);
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(request->Approve({"bob", kApprover}, kHashA, kT0 + 1).ok());
  ASSERT_TRUE(request->Approve({"carol", kApprover}, kHashA, kT0 + 2).ok());
  auto restored =
      ApprovalRequest::Restore(request->policy(), request->requester(), request->action_hash(),
                               request->requested_at(), request->expires_at(), request->votes());
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->Evaluate(kHashA, kT0 + 3).state, ApprovalState::kApproved);
  EXPECT_EQ(restored->Evaluate(kHashA, kT0 + 30 * kMinute).state, ApprovalState::kDenied);
}

}  // namespace
}  // namespace vakt::action
