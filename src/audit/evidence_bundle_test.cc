#include "audit/evidence_bundle.h"

#include <gtest/gtest.h>

#include "audit/in_memory_leaf_store.h"
#include "audit/log_verifier.h"

namespace vakt::audit {
namespace {

constexpr char kBundleOrigin[] = "vakt.test/audit";

class EvidenceBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = std::make_unique<NoteSigner>(*NoteSigner::FromSeed(kBundleOrigin, std::string(32, 's')));
    log_ = std::move(AuditLog::Open(store_, clock_, *signer_, kBundleOrigin)).value();
    for (const char* subject : {"incident/INC-7", "incident/INC-8", "step/INC-7/shift-traffic",
                                "incident/INC-70", "incident/INC-7"}) {
      ASSERT_TRUE(log_->Append({"user:alice", "incident.note", subject, {{"n", 1}}, ""}).ok());
      clock_.Advance(1000);
    }
  }

  std::vector<AuditLeaf> IncidentLeaves() {
    std::vector<AuditLeaf> leaves;
    for (std::uint64_t seq : {0, 2, 4}) leaves.push_back(*store_.ReadLeaf(seq));
    return leaves;
  }

  nlohmann::json Bundle() {
    auto bundle = BuildEvidenceBundle(*log_, signer_->verifier(), "INC-7", IncidentLeaves());
    EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
    return bundle.ok() ? *bundle : nlohmann::json();
  }

  FakeClock clock_;
  InMemoryLeafStore store_;
  std::unique_ptr<NoteSigner> signer_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(EvidenceBundleTest, BundleVerifiesOfflineAgainstItsCheckpoint) {
  nlohmann::json bundle = Bundle();
  auto report = VerifyEvidenceBundle(bundle, &signer_->verifier());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->incident, "INC-7");
  EXPECT_EQ(report->records, 3u);
  EXPECT_EQ(report->checkpoint_size, 5u);
  // Round trip through text, as the CLI does.
  EXPECT_TRUE(VerifyEvidenceBundle(nlohmann::json::parse(bundle.dump(2))).ok());
}

TEST_F(EvidenceBundleTest, ChangedRecordByteFailsNamingTheRecord) {
  nlohmann::json bundle = Bundle();
  std::string data = bundle["records"][1]["record"];
  data.replace(data.find("alice"), 5, "mallo");
  bundle["records"][1]["record"] = data;
  auto report = VerifyEvidenceBundle(bundle);
  ASSERT_EQ(report.status().code(), StatusCode::kCorruption);
  EXPECT_NE(report.status().message().find("seq 2"), std::string::npos) << report.status().message();
}

TEST_F(EvidenceBundleTest, RecordRehashedWithItsHashStillFailsTheInclusionProof) {
  nlohmann::json bundle = Bundle();
  std::string data = bundle["records"][2]["record"];
  data.replace(data.find("alice"), 5, "mallo");
  bundle["records"][2]["record"] = data;
  bundle["records"][2]["leaf_hash"] = HashToHex(HashLeaf(data));
  auto report = VerifyEvidenceBundle(bundle);
  ASSERT_EQ(report.status().code(), StatusCode::kCorruption);
  EXPECT_NE(report.status().message().find("not included"), std::string::npos)
      << report.status().message();
}

TEST_F(EvidenceBundleTest, BundleSignedByAnotherKeyFailsWhenAKeyIsPinned) {
  auto other = *NoteSigner::Generate(kBundleOrigin);
  EXPECT_EQ(VerifyEvidenceBundle(Bundle(), &other.verifier()).status().code(),
            StatusCode::kCorruption);
}

TEST_F(EvidenceBundleTest, ForeignRecordIsRefusedWhenBuildingAndWhenVerifying) {
  std::vector<AuditLeaf> leaves = {*store_.ReadLeaf(3)};  // incident/INC-70, not INC-7
  EXPECT_EQ(BuildEvidenceBundle(*log_, signer_->verifier(), "INC-7", leaves).status().code(),
            StatusCode::kInvalidArgument);
  nlohmann::json bundle = Bundle();
  bundle["incident"] = "INC-8";
  EXPECT_EQ(VerifyEvidenceBundle(bundle).status().code(), StatusCode::kCorruption);
}

TEST_F(EvidenceBundleTest, VerifyLogWithoutAKeyStillChecksCheckpointRoots) {
  ASSERT_TRUE(log_->SignCheckpoint().ok());
  auto report = VerifyLog(store_, nullptr, {kBundleOrigin});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->signatures_checked);
  // Rewrite leaf 1 together with its hash: only the checkpoint root can tell.
  AuditLeaf& leaf = store_.MutableLeavesForTest()[1];
  leaf.data.replace(leaf.data.find("alice"), 5, "mallo");
  leaf.leaf_hash = HashLeaf(leaf.data);
  EXPECT_EQ(VerifyLog(store_, nullptr, {kBundleOrigin}).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace vakt::audit
