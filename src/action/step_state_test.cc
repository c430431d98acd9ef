#include "action/step_state.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "action/in_memory_step_store.h"

namespace vakt::action {
namespace {

constexpr TimeMs kNow = 1'700'000'000'000;
const std::string kHash(64, 'c');

const std::vector<StepState> kAllStates = {
    StepState::kPending,   StepState::kAwaitingApproval, StepState::kApproved,
    StepState::kRunning,   StepState::kSucceeded,        StepState::kFailed,
    StepState::kTimedOut,  StepState::kSkipped,          StepState::kOutcomeUnknown};

std::string Edge(StepState from, StepState to) {
  return std::string(StepStateName(from)) + "->" + std::string(StepStateName(to));
}

TEST(StepStateTest, OnlyTheDocumentedTransitionsAreAllowed) {
  const std::set<std::string> allowed = {
      "pending->awaiting_approval", "pending->running",           "pending->skipped",
      "awaiting_approval->approved", "awaiting_approval->skipped", "approved->running",
      "approved->skipped",           "approved->awaiting_approval", "running->succeeded",
      "running->failed",             "running->timed_out",        "running->outcome_unknown",
      "outcome_unknown->succeeded",  "outcome_unknown->failed",   "outcome_unknown->running"};
  for (StepState from : kAllStates) {
    for (StepState to : kAllStates) {
      EXPECT_EQ(IsAllowedStepTransition(from, to), allowed.count(Edge(from, to)) == 1)
          << Edge(from, to);
    }
  }
}

TEST(StepStateTest, NamesRoundTrip) {
  for (StepState state : kAllStates) {
    auto parsed = ParseStepState(StepStateName(state));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, state);
  }
  EXPECT_FALSE(ParseStepState("done").ok());
}

TEST(StepStateTest, TerminalStatesAcceptNoFurtherTransition) {
  for (StepState from : kAllStates) {
    if (!IsTerminalStepState(from)) continue;
    for (StepState to : kAllStates) EXPECT_FALSE(IsAllowedStepTransition(from, to)) << Edge(from, to);
  }
}

TEST(StepStateTest, TransitionsAreRecordedAsEvents) {
  StepRecord record = NewStepRecord({"INC-1", "rollback"}, /*requires_approval=*/true);
  ASSERT_TRUE(ApplyTransition(record, StepState::kAwaitingApproval, "alice", kNow, "rollback v7").ok());
  ASSERT_TRUE(MarkApproved(record, kHash, "bob", kNow + 1, "2 of 2").ok());
  ASSERT_TRUE(BeginRun(record, kHash, "exec_1", "bob", kNow + 2).ok());
  ASSERT_TRUE(ApplyTransition(record, StepState::kSucceeded, "system", kNow + 3, "HTTP 200").ok());

  ASSERT_EQ(record.history.size(), 4u);
  std::string rendered;
  for (const auto& event : record.history) {
    rendered += Edge(event.from, event.to) + " by " + event.actor + " at +" +
                std::to_string(event.time - kNow) + " (" + event.reason + ")\n";
  }
  EXPECT_EQ(rendered,
            "pending->awaiting_approval by alice at +0 (rollback v7)\n"
            "awaiting_approval->approved by bob at +1 (2 of 2)\n"
            "approved->running by bob at +2 (execution exec_1)\n"
            "running->succeeded by system at +3 (HTTP 200)\n");
  EXPECT_EQ(record.execution_id, "exec_1");
}

TEST(StepStateTest, ApprovalGateCannotBeBypassed) {
  StepRecord gated = NewStepRecord({"INC-1", "rollback"}, /*requires_approval=*/true);
  EXPECT_EQ(ApplyTransition(gated, StepState::kRunning, "alice", kNow, "").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(BeginRun(gated, kHash, "exec_1", "alice", kNow).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(gated.state, StepState::kPending);
  EXPECT_TRUE(gated.history.empty());

  StepRecord free_step = NewStepRecord({"INC-1", "capture"}, /*requires_approval=*/false);
  EXPECT_EQ(ApplyTransition(free_step, StepState::kAwaitingApproval, "alice", kNow, "").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(BeginRun(free_step, "any", "exec_2", "system", kNow).ok());
  EXPECT_EQ(free_step.state, StepState::kRunning);
}

TEST(StepStateTest, RunRefusedWhenContentDiffersFromApproved) {
  StepRecord record = NewStepRecord({"INC-1", "rollback"}, true);
  ASSERT_TRUE(ApplyTransition(record, StepState::kAwaitingApproval, "alice", kNow, "").ok());
  ASSERT_TRUE(MarkApproved(record, kHash, "bob", kNow, "").ok());
  EXPECT_EQ(BeginRun(record, std::string(64, 'd'), "exec_1", "bob", kNow).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(record.state, StepState::kApproved);
}

TEST(StepStateTest, UnknownOutcomeIsRerunOnlyWithAReason) {
  StepRecord record = NewStepRecord({"INC-1", "a"}, false);
  ASSERT_TRUE(BeginRun(record, "", "exec_1", "alice", kNow).ok());
  ASSERT_TRUE(ReconcileAfterCrash(record, kNow + 1));
  EXPECT_EQ(BeginRun(record, "", "exec_2", "alice", kNow + 2).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(BeginRerun(record, "", "exec_2", "alice", kNow + 2, "").code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(BeginRerun(record, "", "exec_2", "alice", kNow + 2, "target shows no change").ok());
  EXPECT_EQ(record.state, StepState::kRunning);
  EXPECT_EQ(record.execution_id, "exec_2");
}

TEST(StepStateTest, CrashDuringRunLeavesOutcomeUnknown) {
  InMemoryStepStore store;
  ASSERT_TRUE(store.Create(NewStepRecord({"INC-1", "a"}, false)).ok());
  ASSERT_TRUE(store.Create(NewStepRecord({"INC-1", "b"}, false)).ok());
  auto claimed = ClaimForRun(store, {"INC-1", "a"}, 1, "", "system", kNow);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();

  auto reconciled = ReconcileAllAfterCrash(store, kNow + 10);
  ASSERT_TRUE(reconciled.ok());
  EXPECT_EQ(*reconciled, 1);
  auto a = store.Get({"INC-1", "a"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state, StepState::kOutcomeUnknown);
  EXPECT_EQ(a->history.back().actor, "system");
  EXPECT_EQ(store.Get({"INC-1", "b"})->state, StepState::kPending);
  // The old execution cannot report in after the restart, and nothing re-runs it.
  EXPECT_FALSE(FinishRun(store, {"INC-1", "a"}, claimed->execution_id, StepState::kSucceeded,
                         "late", kNow + 11)
                   .ok());
  EXPECT_EQ(ClaimForRun(store, {"INC-1", "a"}, a->version, "", "system", kNow + 12).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(StepStateTest, FinishRunOnlyForTheRunningExecution) {
  InMemoryStepStore store;
  ASSERT_TRUE(store.Create(NewStepRecord({"INC-1", "a"}, false)).ok());
  auto claimed = ClaimForRun(store, {"INC-1", "a"}, 1, "", "system", kNow);
  ASSERT_TRUE(claimed.ok());
  EXPECT_FALSE(
      FinishRun(store, {"INC-1", "a"}, "exec_other", StepState::kSucceeded, "", kNow).ok());
  auto finished =
      FinishRun(store, {"INC-1", "a"}, claimed->execution_id, StepState::kFailed, "exit 3", kNow);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished->state, StepState::kFailed);
  EXPECT_EQ(finished->version, 3u);
}

TEST(StepStateTest, StaleVersionClaimIsRefused) {
  InMemoryStepStore store;
  ASSERT_TRUE(store.Create(NewStepRecord({"INC-1", "a"}, false)).ok());
  EXPECT_EQ(ClaimForRun(store, {"INC-1", "a"}, 7, "", "system", kNow).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.Get({"INC-1", "a"})->state, StepState::kPending);
}

// Many responders press "approve" and "run" at once; the step must execute exactly once.
TEST(StepStateTest, ConcurrentApproveAndRunExecutesExactlyOnce) {
  constexpr int kThreads = 16;
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    InMemoryStepStore store;
    const StepKey key{"INC-" + std::to_string(round), "rollback"};
    StepRecord initial = NewStepRecord(key, /*requires_approval=*/true);
    ASSERT_TRUE(ApplyTransition(initial, StepState::kAwaitingApproval, "alice", kNow, "").ok());
    ASSERT_TRUE(store.Create(initial).ok());

    std::atomic<int> executions{0};
    std::atomic<bool> go{false};
    std::vector<std::string> execution_ids(kThreads);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
      threads.emplace_back([&, thread_idx] {
        while (!go.load()) std::this_thread::yield();
        const std::string actor = "approver" + std::to_string(thread_idx);
        auto seen = store.Get(key);
        if (!seen.ok()) return;
        if (seen->state == StepState::kAwaitingApproval) {
          StepRecord next = *seen;
          if (MarkApproved(next, kHash, actor, kNow, "").ok()) {
            auto stored = store.CompareAndSet(next, seen->version);
            if (stored.ok()) seen = stored;
          }
        }
        auto latest = store.Get(key);
        if (!latest.ok()) return;
        auto claim = ClaimForRun(store, key, latest->version, kHash, actor, kNow);
        if (claim.ok()) {
          executions.fetch_add(1);
          execution_ids[thread_idx] = claim->execution_id;
        }
      });
    }
    go.store(true);
    for (auto& thread : threads) thread.join();

    EXPECT_EQ(executions.load(), 1) << "round " << round;
    auto final_record = store.Get(key);
    ASSERT_TRUE(final_record.ok());
    EXPECT_EQ(final_record->state, StepState::kRunning);
    int running_events = 0;
    for (const auto& event : final_record->history) {
      if (event.to == StepState::kRunning) ++running_events;
    }
    EXPECT_EQ(running_events, 1);
    EXPECT_EQ(std::count(execution_ids.begin(), execution_ids.end(), final_record->execution_id),
              1);
  }
}

}  // namespace
}  // namespace vakt::action
