#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "action/step_state.h"
#include "evidence/file_evidence_store.h"
#include "storage/database.h"
#include "storage/sql_evidence_store.h"
#include "storage/sql_step_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

using action::StepKey;
using action::StepRecord;
using action::StepState;

class StepStoreContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<SqlStepStore>(*db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    fixture_.reset();
  }

  // AuditActions lists the audit leaves recorded for `subject`, in log order.
  std::vector<std::string> AuditActions(const std::string& subject) {
    std::vector<std::string> actions;
    Status status = db_->RunRead([&](SqlConnection& conn) -> Status {
      VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT action FROM audit_leaves WHERE "
                                                  "subject = $1 ORDER BY seq",
                                                  {subject}));
      for (const auto& row : rows) actions.push_back(row.Text(0));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return actions;
  }

  StepRecord ApprovalStep() {
    StepRecord record = action::NewStepRecord({"INC-7", "rollback"}, true);
    record.content_hash = std::string(64, 'a');
    record.approval.roles = {"approver"};
    record.approval.count = 2;
    record.created_at = 1000;
    record.updated_at = 1000;
    return record;
  }

  std::unique_ptr<SqlStepStore> store_;
};

TEST_P(StepStoreContractTest, StepRoundTripsWithHistoryVotesAndRuns) {
  auto created = store_->Create(ApprovalStep());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->version, 1u);

  StepRecord next = *created;
  next.requested_by = "alice";
  next.requested_at = 2000;
  next.approval_expires_at = 9000;
  ASSERT_TRUE(action::ApplyTransition(next, StepState::kAwaitingApproval, "alice", 2000, "why").ok());
  next.votes.push_back({"bob", true, next.content_hash, 2500, "looks right"});
  next.runs.push_back({1, "exec_1", 3000, 0, "", "", {}});
  next.lease_owner = "instance-1";
  next.lease_expires_at = 4000;
  ASSERT_TRUE(store_->CompareAndSet(next, 1).ok());

  auto loaded = store_->Get({"INC-7", "rollback"});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->version, 2u);
  EXPECT_EQ(loaded->state, StepState::kAwaitingApproval);
  EXPECT_EQ(loaded->requested_by, "alice");
  EXPECT_EQ(loaded->approval.roles, std::vector<std::string>{"approver"});
  EXPECT_EQ(loaded->approval.count, 2);
  EXPECT_EQ(loaded->approval_expires_at, 9000);
  ASSERT_EQ(loaded->history.size(), 1u);
  EXPECT_EQ(loaded->history[0].reason, "why");
  ASSERT_EQ(loaded->votes.size(), 1u);
  EXPECT_EQ(loaded->votes[0].actor, "bob");
  EXPECT_TRUE(loaded->votes[0].approve);
  ASSERT_EQ(loaded->runs.size(), 1u);
  EXPECT_EQ(loaded->lease_owner, "instance-1");

  // Finishing the run updates its row rather than adding one.
  StepRecord finished = *loaded;
  finished.runs[0].finished_at = 3500;
  finished.runs[0].outcome = "succeeded";
  finished.runs[0].output_excerpt = "HTTP 200";
  finished.runs[0].evidence = {std::string(64, 'b')};
  ASSERT_TRUE(store_->CompareAndSet(finished, 2).ok());
  auto reloaded = store_->Get({"INC-7", "rollback"});
  ASSERT_TRUE(reloaded.ok());
  ASSERT_EQ(reloaded->runs.size(), 1u);
  EXPECT_EQ(reloaded->runs[0].outcome, "succeeded");
  EXPECT_EQ(reloaded->runs[0].evidence, std::vector<std::string>{std::string(64, 'b')});
}

TEST_P(StepStoreContractTest, StaleVersionIsRefusedAndChangesNothing) {
  auto created = store_->Create(ApprovalStep());
  ASSERT_TRUE(created.ok());
  StepRecord next = *created;
  ASSERT_TRUE(action::ApplyTransition(next, StepState::kAwaitingApproval, "alice", 2000, "").ok());
  ASSERT_TRUE(store_->CompareAndSet(next, 1).ok());
  StepRecord stale = *created;
  ASSERT_TRUE(action::ApplyTransition(stale, StepState::kSkipped, "carol", 2100, "").ok());
  auto refused = store_->CompareAndSet(stale, 1);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  auto loaded = store_->Get({"INC-7", "rollback"});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state, StepState::kAwaitingApproval);
  EXPECT_EQ(loaded->history.size(), 1u);
  EXPECT_EQ(store_->Create(ApprovalStep()).status().code(), StatusCode::kAlreadyExists);
}

TEST_P(StepStoreContractTest, HistoryAndVotesCannotBeRewritten) {
  auto created = store_->Create(ApprovalStep());
  ASSERT_TRUE(created.ok());
  StepRecord next = *created;
  ASSERT_TRUE(action::ApplyTransition(next, StepState::kAwaitingApproval, "alice", 2000, "").ok());
  next.votes.push_back({"bob", true, next.content_hash, 2500, ""});
  ASSERT_TRUE(store_->CompareAndSet(next, 1).ok());
  StepRecord erased = next;
  erased.votes.clear();
  EXPECT_EQ(store_->CompareAndSet(erased, 2).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StepStoreContractTest, EveryTransitionAndVoteIsAuditedWithTheChange) {
  auto created = store_->Create(ApprovalStep());
  ASSERT_TRUE(created.ok());
  StepRecord next = *created;
  ASSERT_TRUE(action::ApplyTransition(next, StepState::kAwaitingApproval, "alice", 2000, "").ok());
  ASSERT_TRUE(store_->CompareAndSet(next, 1).ok());
  next.votes.push_back({"bob", true, next.content_hash, 2500, ""});
  next.votes.push_back({"carol", false, next.content_hash, 2600, "not now"});
  ASSERT_TRUE(action::ApplyTransition(next, StepState::kSkipped, "carol", 2600, "denied").ok());
  ASSERT_TRUE(store_->CompareAndSet(next, 2).ok());
  // A refused change leaves no audit record behind.
  StepRecord stale = next;
  stale.votes.push_back({"dave", true, next.content_hash, 2700, ""});
  ASSERT_FALSE(store_->CompareAndSet(stale, 2).ok());
  EXPECT_EQ(AuditActions("step/INC-7/rollback"),
            (std::vector<std::string>{"step.request", "step.approve", "step.deny", "step.skip"}));
}

// Two vakt instances (two Database objects on one database) race to run an approved step from
// several threads each: the compare-and-set lets exactly one claim win.
TEST_P(StepStoreContractTest, ConcurrentRunClaimsFromTwoInstancesStartExactlyOneRun) {
  auto other_db = OpenDatabase(fixture_->url());
  ASSERT_TRUE(other_db.ok()) << other_db.status().ToString();
  SqlStepStore other_store(**other_db);
  StepRecord approved = ApprovalStep();
  ASSERT_TRUE(action::ApplyTransition(approved, StepState::kAwaitingApproval, "alice", 2000, "").ok());
  ASSERT_TRUE(action::MarkApproved(approved, approved.content_hash, "bob", 2100, "").ok());
  auto created = store_->Create(approved);
  ASSERT_TRUE(created.ok()) << created.status().ToString();

  std::atomic<int> wins{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 8; ++thread_idx) {
    SqlStepStore& store = thread_idx % 2 == 0 ? *store_ : other_store;
    threads.emplace_back([&store, &wins, &lost, &approved, thread_idx] {
      auto claim = action::ClaimForRun(store, {"INC-7", "rollback"}, 1, approved.content_hash,
                                       "runner-" + std::to_string(thread_idx), 3000);
      if (claim.ok()) {
        ++wins;
      } else if (claim.status().code() == StatusCode::kFailedPrecondition) {
        ++lost;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(lost.load(), 7);
  auto loaded = store_->Get({"INC-7", "rollback"});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state, StepState::kRunning);
  EXPECT_EQ(AuditActions("step/INC-7/rollback"),
            (std::vector<std::string>{"step.request", "step.approved", "step.run"}));
}

TEST_P(StepStoreContractTest, ListReturnsOneIncidentsStepsInKeyOrder) {
  for (const char* step : {"b-step", "a-step"}) {
    ASSERT_TRUE(store_->Create(action::NewStepRecord({"INC-7", step}, false)).ok());
  }
  ASSERT_TRUE(store_->Create(action::NewStepRecord({"INC-8", "c-step"}, false)).ok());
  auto listed = store_->List("INC-7");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key.step_id, "a-step");
  auto all = store_->List("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST_P(StepStoreContractTest, EvidenceIsListedPerIncidentFetchableAndAudited) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("vakt-evidence-" + GetParam() + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto blobs = evidence::FileEvidenceStore::Open(dir);
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  SqlEvidenceStore evidence(*db_, **blobs);
  evidence::EvidenceMetadata metadata;
  metadata.incident_id = "INC-7";
  metadata.step_id = "capture";
  metadata.collector = "http";
  metadata.source = "http://127.0.0.1:9/state";
  metadata.content_type = "application/json";
  metadata.name = "state";
  metadata.created_by = "system";
  metadata.time = 5000;
  auto sha = evidence.Put(R"({"ok":true})", metadata);
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  metadata.incident_id = "INC-8";
  ASSERT_TRUE(evidence.Put("other", metadata).ok());

  auto listed = evidence.ListByIncident("INC-7");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].sha256, *sha);
  EXPECT_EQ((*listed)[0].size, 11u);
  EXPECT_EQ((*listed)[0].metadata.name, "state");
  auto bytes = evidence.Get(*sha);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, R"({"ok":true})");
  auto found = evidence.FindBySha256(*sha);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
  EXPECT_EQ(evidence.Get("not-a-hash").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditActions("incident/INC-7"), std::vector<std::string>{"evidence.capture"});
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Engines, StepStoreContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
