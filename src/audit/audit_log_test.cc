#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "audit/in_memory_leaf_store.h"
#include "audit/log_verifier.h"

namespace vakt::audit {
namespace {

constexpr char kLogOrigin[] = "vakt.test/audit";

AuditEvent Event(int n) {
  return {"user:u" + std::to_string(n % 3), "incident.note", "incident/INC-" + std::to_string(n),
          {{"n", n}}, ""};
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = std::make_unique<NoteSigner>(*NoteSigner::FromSeed(kLogOrigin, std::string(32, 's')));
    auto log = AuditLog::Open(store_, clock_, *signer_, kLogOrigin);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }

  // Fill appends 20 events with checkpoints at sizes 5, 12 and 20.
  void Fill() {
    for (int n = 0; n < 20; ++n) {
      ASSERT_TRUE(log_->Append(Event(n)).ok());
      clock_.Advance(1000);
      if (n == 4 || n == 11 || n == 19) {
        ASSERT_TRUE(log_->SignCheckpoint().ok());
      }
    }
  }

  Status Verify(bool full_records = true) {
    return VerifyLog(store_, signer_->verifier(), {kLogOrigin, 7, full_records}).status();
  }

  FakeClock clock_;
  InMemoryLeafStore store_;
  std::unique_ptr<NoteSigner> signer_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, AppendAssignsSeqAndProofsVerifyAgainstSignedCheckpoints) {
  Fill();
  EXPECT_EQ(log_->size(), 20u);
  auto checkpoints = *store_.ListCheckpoints();
  ASSERT_EQ(checkpoints.size(), 3u);
  auto head = *OpenCheckpoint(checkpoints.back().note, signer_->verifier(), kLogOrigin);
  EXPECT_EQ(head.size, 20u);
  EXPECT_EQ(head.root, log_->Root());
  for (std::uint64_t seq = 0; seq < 20; ++seq) {
    auto leaf = *store_.ReadLeaf(seq);
    EXPECT_EQ(ParseAuditRecord(leaf.data)->seq, seq);
    auto proof = log_->InclusionProof(seq, 20);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(VerifyInclusion(seq, 20, leaf.leaf_hash, *proof, head.root).ok()) << seq;
  }
  auto old_head = *OpenCheckpoint(checkpoints[0].note, signer_->verifier());
  auto proof = log_->ConsistencyProof(old_head.size, head.size);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyConsistency(old_head.size, head.size, *proof, old_head.root, head.root).ok());
}

TEST_F(AuditLogTest, ReopenRebuildsTheSameTreeAndContinues) {
  Fill();
  const Hash root = log_->Root();
  auto reopened = AuditLog::Open(store_, clock_, *signer_, kLogOrigin);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Root(), root);
  EXPECT_EQ(*(*reopened)->Append(Event(99)), 20u);
  // The first handle is now stale: it catches up with the other writer instead of forking.
  EXPECT_EQ(*log_->Append(Event(100)), 21u);
  EXPECT_EQ(log_->Root(), (*reopened)->RootAt(22).value());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_F(AuditLogTest, StoreRefusesASecondLeafForTheSameSeq) {
  Fill();
  // Two writers racing for seq 20: the later commit is refused, so the log cannot fork.
  AuditLeaf rival{20, *CanonicalAuditJson({20, clock_.NowMs(), Event(7)}), {}};
  rival.leaf_hash = HashLeaf(rival.data);
  AuditLeaf late{20, *CanonicalAuditJson({20, clock_.NowMs(), Event(8)}), {}};
  late.leaf_hash = HashLeaf(late.data);
  ASSERT_TRUE(store_.AppendLeaves(std::span<const AuditLeaf>(&rival, 1)).ok());
  EXPECT_EQ(store_.AppendLeaves(std::span<const AuditLeaf>(&late, 1)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(*store_.Size(), 21u);
}

TEST_F(AuditLogTest, CatchUpRejectsALeafWhoseBytesDoNotMatchItsHash) {
  Fill();
  AuditLeaf forged{20, *CanonicalAuditJson({20, clock_.NowMs(), Event(7)}), {}};
  forged.leaf_hash = HashLeaf("something else");
  ASSERT_TRUE(store_.AppendLeaves(std::span<const AuditLeaf>(&forged, 1)).ok());
  Status status = log_->CatchUp();
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("seq 20"), std::string::npos) << status.message();
  EXPECT_EQ(log_->size(), 20u);
}

TEST_F(AuditLogTest, TimeNeverGoesBackwards) {
  ASSERT_TRUE(log_->Append(Event(1)).ok());
  clock_.Advance(-60'000);
  ASSERT_TRUE(log_->Append(Event(2)).ok());
  auto first = *ParseAuditRecord(store_.ReadLeaf(0)->data);
  auto second = *ParseAuditRecord(store_.ReadLeaf(1)->data);
  EXPECT_EQ(second.time, first.time);
}

TEST_F(AuditLogTest, IntactLogVerifies) {
  Fill();
  auto report = VerifyLog(store_, signer_->verifier(), {kLogOrigin, 3, true});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->size, 20u);
  EXPECT_EQ(report->checkpoints, 3u);
  EXPECT_EQ(report->root, log_->Root());
}

// Each tampering is what someone with write access to the database could do; the verifier
// must say Corruption and name the first bad entry or checkpoint.
TEST_F(AuditLogTest, TamperingIsDetectedAndNamed) {
  struct Case {
    const char* name;
    std::function<void(InMemoryLeafStore&)> tamper;
    const char* want;
  };
  auto rehash = [](AuditLeaf& leaf) { leaf.leaf_hash = HashLeaf(leaf.data); };
  const std::vector<Case> cases = {
      {"flipped byte in record",
       [](InMemoryLeafStore& s) { s.MutableLeavesForTest()[9].data[30] ^= 0x01; },
       "entry seq 9: record bytes do not match"},
      {"rewritten record with recomputed hash",
       [&](InMemoryLeafStore& s) {
         auto& leaf = s.MutableLeavesForTest()[7];
         leaf.data.replace(leaf.data.find("user:u"), 7, "user:u9");
         rehash(leaf);
       },
       "checkpoint #1 (size 12) root does not match"},
      {"removed middle leaf",
       [](InMemoryLeafStore& s) {
         auto& leaves = s.MutableLeavesForTest();
         leaves.erase(leaves.begin() + 3);
       },
       "entry seq 3 is missing"},
      {"reordered leaves (data and hash swapped)",
       [](InMemoryLeafStore& s) {
         auto& leaves = s.MutableLeavesForTest();
         std::swap(leaves[14].data, leaves[15].data);
         std::swap(leaves[14].leaf_hash, leaves[15].leaf_hash);
       },
       "entry seq 14: record says seq 15"},
      {"rollback below last checkpoint",
       [](InMemoryLeafStore& s) { s.MutableLeavesForTest().resize(16); },
       "rollback: the log has 16 entries but a checkpoint was signed at size 20"},
      {"checkpoint signature forged",
       [](InMemoryLeafStore& s) {
         auto& note = s.MutableCheckpointsForTest()[2].note;
         note[note.size() - 5] = note[note.size() - 5] == 'A' ? 'B' : 'A';
       },
       "checkpoint #2"},
      {"checkpoint replaced by an older one",
       [](InMemoryLeafStore& s) {
         auto& cps = s.MutableCheckpointsForTest();
         cps.push_back(cps[0]);
       },
       "checkpoint #3: size 5 is below"},
      {"record with wrong seq but consistent hash",
       [&](InMemoryLeafStore& s) {
         auto& leaf = s.MutableLeavesForTest()[19];
         leaf.data.replace(leaf.data.find("\"seq\":19"), 8, "\"seq\":18");
         rehash(leaf);
       },
       "entry seq 19: record says seq 18"},
  };
  Fill();
  const auto pristine_leaves = store_.MutableLeavesForTest();
  const auto pristine_checkpoints = store_.MutableCheckpointsForTest();
  for (const auto& c : cases) {
    store_.MutableLeavesForTest() = pristine_leaves;
    store_.MutableCheckpointsForTest() = pristine_checkpoints;
    ASSERT_TRUE(Verify().ok()) << c.name;
    ASSERT_TRUE(Verify(false).ok()) << c.name;
    c.tamper(store_);
    for (bool full_records : {true, false}) {
      const Status status = Verify(full_records);
      EXPECT_EQ(status.code(), StatusCode::kCorruption) << c.name << ": " << status.ToString();
      EXPECT_NE(status.message().find(c.want), std::string::npos)
          << c.name << " full=" << full_records << ": " << status.message();
    }
  }
}

TEST_F(AuditLogTest, CheckpointsFromAnotherKeyOrOriginAreRejected) {
  Fill();
  auto other = *NoteSigner::Generate(kLogOrigin);
  EXPECT_EQ(VerifyLog(store_, other.verifier()).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyLog(store_, signer_->verifier(), {"elsewhere/audit", 4096, true}).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace vakt::audit
