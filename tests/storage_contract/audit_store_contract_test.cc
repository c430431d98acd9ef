// The audit log's storage contract (audit/audit_leaf_store.h) on SQLite and PostgreSQL: leaves
// written by AppendAuditEvent inside other transactions and by AuditLog through
// SqlAuditLeafStore form one gap-free, verifiable log.

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "audit/log_verifier.h"
#include "storage/database.h"
#include "storage/sql_audit_append.h"
#include "storage/sql_audit_leaf_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

constexpr char kOrigin[] = "vakt.test/audit";

audit::AuditEvent Event(const std::string& subject, int n) {
  return {"user:alice", "incident.note", subject, {{"n", n}}, ""};
}

class AuditStoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    fixture_ = std::make_unique<ContractDatabase>(GetParam());
    db_ = Open();
    ASSERT_NE(db_, nullptr);
    store_ = std::make_unique<SqlAuditLeafStore>(*db_);
    signer_ = std::make_unique<audit::NoteSigner>(
        *audit::NoteSigner::FromSeed(kOrigin, std::string(32, 's')));
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    fixture_.reset();
  }

  std::unique_ptr<Database> Open() {
    auto db = OpenDatabase(fixture_->url());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  std::unique_ptr<audit::AuditLog> OpenLog() {
    auto log = audit::AuditLog::Open(*store_, clock_, *signer_, kOrigin);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  Status Verify() { return audit::VerifyLog(*store_, signer_->verifier(), {kOrigin}).status(); }

  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<ContractDatabase> fixture_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqlAuditLeafStore> store_;
  std::unique_ptr<audit::NoteSigner> signer_;
};

TEST_P(AuditStoreContractTest, LeavesRoundTripExactlyAsStored) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  std::vector<audit::AuditEvent> events = {Event("incident/INC-1", 1), Event("incident/INC-2", 2),
                                           Event("step/INC-1/shift-traffic", 3)};
  ASSERT_EQ(*log->AppendBatch(events), 0u);
  EXPECT_EQ(*store_->Size(), 3u);
  auto leaves = store_->ReadLeaves(0, UINT64_MAX);
  ASSERT_TRUE(leaves.ok()) << leaves.status().ToString();
  ASSERT_EQ(leaves->size(), 3u);
  for (std::uint64_t seq = 0; seq < 3; ++seq) {
    const audit::AuditLeaf& leaf = (*leaves)[seq];
    EXPECT_EQ(leaf.seq, seq);
    EXPECT_EQ(leaf.leaf_hash, audit::HashLeaf(leaf.data));
    auto record = audit::ParseAuditRecord(leaf.data);
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    EXPECT_EQ(record->event.subject, events[seq].subject);
    EXPECT_EQ(record->time, clock_.NowMs());
  }
  EXPECT_EQ(store_->ReadLeaves(1, 2)->front().data, (*leaves)[1].data);
  EXPECT_EQ(store_->ReadLeaf(7).status().code(), StatusCode::kNotFound);
}

TEST_P(AuditStoreContractTest, AppendAtAStaleSeqIsRefusedAndWritesNothing) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Append(Event("incident/INC-1", 1)).ok());
  audit::AuditLeaf stale{0, *audit::CanonicalAuditJson({0, 1, Event("incident/INC-9", 9)}), {}};
  stale.leaf_hash = audit::HashLeaf(stale.data);
  EXPECT_EQ(store_->AppendLeaves(std::span<const audit::AuditLeaf>(&stale, 1)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(*store_->Size(), 1u);
  EXPECT_NE(store_->ReadLeaf(0)->data, stale.data);
}

TEST_P(AuditStoreContractTest, ConcurrentTransactionalWritersKeepSeqGapFree) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 25;
  std::vector<std::thread> writers;
  std::vector<Status> failures(kWriters);
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.emplace_back([this, writer, &failures] {
      // Each writer is its own Database (its own connections), like a second vakt instance.
      auto db = OpenDatabase(fixture_->url());
      if (!db.ok()) {
        failures[writer] = db.status();
        return;
      }
      for (int n = 0; n < kPerWriter; ++n) {
        auto seq = RecordAuditEvent(**db, Event("incident/INC-" + std::to_string(writer), n),
                                    1000 + n);
        if (!seq.ok()) {
          failures[writer] = seq.status();
          return;
        }
      }
    });
  }
  for (auto& thread : writers) thread.join();
  for (const auto& failure : failures) EXPECT_TRUE(failure.ok()) << failure.ToString();
  EXPECT_EQ(*store_->Size(), std::uint64_t{kWriters * kPerWriter});
  auto leaves = *store_->ReadLeaves(0, UINT64_MAX);
  ASSERT_EQ(leaves.size(), std::size_t{kWriters * kPerWriter});
  for (std::uint64_t seq = 0; seq < leaves.size(); ++seq) EXPECT_EQ(leaves[seq].seq, seq);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(AuditStoreContractTest, RolledBackTransactionLeavesNoLeaf) {
  ASSERT_TRUE(RecordAuditEvent(*db_, Event("incident/INC-1", 1), 1000).ok());
  Status status = db_->RunWrite([](SqlConnection& conn) -> Status {
    SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, Event("incident/INC-1", 2), 2000).status());
    return Status::FailedPrecondition("the change this record describes failed");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(*store_->Size(), 1u);
  EXPECT_EQ(*RecordAuditEvent(*db_, Event("incident/INC-1", 3), 3000), 1u);
}

TEST_P(AuditStoreContractTest, RecordTimeNeverDecreasesWhenTheClockDoes) {
  ASSERT_TRUE(RecordAuditEvent(*db_, Event("incident/INC-1", 1), 5000).ok());
  ASSERT_TRUE(RecordAuditEvent(*db_, Event("incident/INC-1", 2), 1000).ok());
  auto first = audit::ParseAuditRecord(store_->ReadLeaf(0)->data);
  auto second = audit::ParseAuditRecord(store_->ReadLeaf(1)->data);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->time, 5000);
  EXPECT_EQ(second->time, 5000);
}

TEST_P(AuditStoreContractTest, CheckpointsAreListedInTheOrderTheyWereSigned) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(store_->LatestCheckpoint().status().code(), StatusCode::kNotFound);
  std::vector<std::string> notes;
  for (int n = 0; n < 3; ++n) {
    ASSERT_TRUE(log->Append(Event("incident/INC-1", n)).ok());
    clock_.Advance(1000);
    notes.push_back(*log->SignCheckpoint());
  }
  auto listed = *store_->ListCheckpoints();
  ASSERT_EQ(listed.size(), 3u);
  for (size_t pos = 0; pos < listed.size(); ++pos) {
    EXPECT_EQ(listed[pos].size, pos + 1);
    EXPECT_EQ(listed[pos].note, notes[pos]);
  }
  EXPECT_LT(listed[0].created_at, listed[2].created_at);
  EXPECT_EQ(store_->LatestCheckpoint()->note, notes.back());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(AuditStoreContractTest, LogCatchesUpWithLeavesOtherTransactionsAppended) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Append(Event("incident/INC-1", 1)).ok());
  auto other = Open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(RecordAuditEvent(*other, Event("incident/INC-2", 2), clock_.NowMs()).ok());
  ASSERT_TRUE(RecordAuditEvent(*other, Event("incident/INC-2", 3), clock_.NowMs()).ok());
  auto note = log->SignCheckpoint();
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  auto checkpoint = audit::OpenCheckpoint(*note, signer_->verifier(), kOrigin);
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->size, 3u);
  auto proof = log->InclusionProof(2, 3);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(audit::VerifyInclusion(2, 3, store_->ReadLeaf(2)->leaf_hash, *proof, checkpoint->root)
                  .ok());
  // The log's own next append continues after the others' leaves.
  EXPECT_EQ(*log->Append(Event("incident/INC-1", 4)), 3u);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(AuditStoreContractTest, FindRecordsFiltersBySubjectPrefixAndPage) {
  for (const char* subject : {"incident/INC-7", "step/INC-7/shift-traffic", "incident/INC-70",
                              "step/INC-70/x", "incident/INC-7", "runbook/fraud"}) {
    ASSERT_TRUE(RecordAuditEvent(*db_, Event(subject, 0), 1000).ok());
  }
  AuditRecordQuery query;
  query.subjects = {"incident/INC-7"};
  query.subject_prefixes = {"step/INC-7/"};
  auto found = *store_->FindRecords(query);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].seq, 0u);
  EXPECT_EQ(found[1].seq, 1u);
  EXPECT_EQ(found[2].seq, 4u);
  query.after = 1;
  query.limit = 1;
  found = *store_->FindRecords(query);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].seq, 4u);
  EXPECT_EQ(store_->FindRecords(AuditRecordQuery{})->size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditStoreContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
