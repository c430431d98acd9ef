#include "action/action_executor.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "action/approval.h"
#include "action/in_memory_step_store.h"
#include "common/crypto.h"

namespace vakt::action {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const HttpExecutor> DenyAllHttp() {
  auto egress = EgressPolicy::Parse({});
  HttpPolicy policy;
  policy.egress = *egress;
  return std::make_shared<HttpExecutor>(policy);
}

fs::path TempFile() {
  const char* base = std::getenv("VAKT_BINARY_DIR");
  return fs::path(base != nullptr ? base : "/tmp") /
         ("action_executor_test_" + std::to_string(::getpid()) + "_" + RandomToken(6));
}

int CountLines(const fs::path& path) {
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

// From request to result: a gated step, approved by a distinct approver, run by many racing
// callers, executes exactly once with the approved content.
TEST(RunClaimedStepTest, ApprovedCommandRunsExactlyOnceUnderRacingCallers) {
  FakeClock clock;
  InMemoryStepStore store;
  StandardActionExecutor executor(DenyAllHttp(), std::make_shared<CommandExecutor>());
  const fs::path marker = TempFile();
  CommandAction rollback;
  rollback.argv = {"/bin/sh", "-c", "echo ran >> \"$0\"; echo rolled back", marker.string()};
  const std::string hash = ActionContentHash(rollback);

  const StepKey key{"INC-7", "rollback"};
  StepRecord step = NewStepRecord(key, /*requires_approval=*/true);
  ASSERT_TRUE(ApplyTransition(step, StepState::kAwaitingApproval, "alice", clock.NowMs(), "").ok());
  ASSERT_TRUE(store.Create(step).ok());

  auto request = ApprovalRequest::Open({{"approver"}, 1, true, 30 * 60'000}, "alice", hash,
                                       clock.NowMs());
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->Approve({"alice", {"approver"}}, hash, clock.NowMs()).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(request->Approve({"bob", {"approver"}}, hash, clock.NowMs()).ok());
  ApprovalVerdict verdict = request->Evaluate(hash, clock.NowMs());
  ASSERT_EQ(verdict.state, ApprovalState::kApproved);

  auto stored = store.Get(key);
  ASSERT_TRUE(stored.ok());
  StepRecord approved = *stored;
  ASSERT_TRUE(MarkApproved(approved, hash, "bob", clock.NowMs(), verdict.reason).ok());
  auto after_approval = store.CompareAndSet(approved, stored->version);
  ASSERT_TRUE(after_approval.ok());

  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 8; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      auto claim = ClaimForRun(store, key, after_approval->version, hash,
                               "caller" + std::to_string(thread_idx), clock.NowMs());
      if (!claim.ok()) return;
      winners.fetch_add(1);
      auto finished = RunClaimedStep(store, *claim, rollback, executor, clock);
      EXPECT_TRUE(finished.ok()) << finished.status().ToString();
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(CountLines(marker), 1);
  auto final_record = store.Get(key);
  ASSERT_TRUE(final_record.ok());
  EXPECT_EQ(final_record->state, StepState::kSucceeded);
  EXPECT_EQ(final_record->history.back().reason, "exit 0");
  std::error_code error;
  fs::remove(marker, error);
}

TEST(RunClaimedStepTest, ReRenderedContentIsNotRunOnAnOldApproval) {
  FakeClock clock;
  InMemoryStepStore store;
  StandardActionExecutor executor(DenyAllHttp(), std::make_shared<CommandExecutor>());
  CommandAction approved_action;
  approved_action.argv = {"/bin/echo", "rollback", "fraud-v6"};
  CommandAction changed_action;
  changed_action.argv = {"/bin/echo", "rollback", "fraud-v1"};

  StepRecord step = NewStepRecord({"INC-7", "rollback"}, true);
  ASSERT_TRUE(ApplyTransition(step, StepState::kAwaitingApproval, "alice", 0, "").ok());
  ASSERT_TRUE(MarkApproved(step, ActionContentHash(approved_action), "bob", 0, "").ok());
  auto created = store.Create(step);
  ASSERT_TRUE(created.ok());

  EXPECT_EQ(ClaimForRun(store, step.key, created->version, ActionContentHash(changed_action),
                        "bob", 0)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  auto claim = ClaimForRun(store, step.key, created->version, ActionContentHash(approved_action),
                           "bob", 0);
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(RunClaimedStep(store, *claim, changed_action, executor, clock).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.Get(step.key)->state, StepState::kRunning);
}

TEST(RunClaimedStepTest, OutcomesMapToStepStates) {
  FakeClock clock;
  StandardActionExecutor executor(DenyAllHttp(), std::make_shared<CommandExecutor>());
  struct Case {
    std::string name;
    RenderedAction action;
    StepState want;
  };
  CommandAction fails;
  fails.argv = {"/bin/sh", "-c", "exit 4"};
  CommandAction hangs;
  hangs.argv = {"/bin/sleep", "30"};
  hangs.timeout_ms = 200;
  HttpAction metadata;
  metadata.method = "GET";
  metadata.url = "http://169.254.169.254/latest/meta-data/";
  const std::vector<Case> cases = {
      {"non-zero exit", fails, StepState::kFailed},
      {"command timeout", hangs, StepState::kTimedOut},
      {"egress refused", metadata, StepState::kFailed},
  };
  for (const auto& test_case : cases) {
    InMemoryStepStore store;
    auto created = store.Create(NewStepRecord({"INC-1", test_case.name}, false));
    ASSERT_TRUE(created.ok());
    auto claim = ClaimForRun(store, created->key, created->version, "", "system", 0);
    ASSERT_TRUE(claim.ok());
    auto finished = RunClaimedStep(store, *claim, test_case.action, executor, clock);
    ASSERT_TRUE(finished.ok()) << test_case.name << ": " << finished.status().ToString();
    EXPECT_EQ(StepStateName(finished->state), StepStateName(test_case.want)) << test_case.name;
  }
}

}  // namespace
}  // namespace vakt::action
