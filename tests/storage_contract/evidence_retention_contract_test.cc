// Evidence retention classes, legal holds and the retention sweep (issue 7) on both engines:
// the sweep deletes only blobs every capture of which is past its class's retention, never a
// blob of an incident under legal hold, and every class change, hold and purge is audited.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "audit/audit_record.h"
#include "storage/evidence_retention.h"
#include "storage/sql_audit_leaf_store.h"
#include "storage/sql_evidence_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

constexpr TimeMs kT0 = 1'700'000'000'000;
using evidence::kDay;

class EvidenceRetentionContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("vakt-retention-" + GetParam() + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto blobs = evidence::FileEvidenceStore::Open(dir_);
    ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
    blobs_ = std::move(*blobs);
    store_ = std::make_unique<SqlEvidenceStore>(*db_, *blobs_);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Capture(const std::string& incident, const std::string& bytes, TimeMs at) {
    evidence::EvidenceMetadata metadata;
    metadata.incident_id = incident;
    metadata.step_id = "capture";
    metadata.collector = "command";
    metadata.name = "state";
    metadata.created_by = "system";
    metadata.time = at;
    auto sha = store_->Put(bytes, metadata);
    EXPECT_TRUE(sha.ok()) << sha.status().ToString();
    return sha.ok() ? *sha : "";
  }

  RetentionSweepReport Sweep(TimeMs now) {
    auto report = SweepEvidenceRetention(*db_, *blobs_, evidence::DefaultRetentionClasses(),
                                         "system:retention", now);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : RetentionSweepReport{};
  }

  std::vector<std::string> Actions(const std::string& subject) {
    SqlAuditLeafStore audit(*db_);
    AuditRecordQuery query;
    query.subjects = {subject};
    query.limit = 1000;
    std::vector<std::string> out;
    auto leaves = audit.FindRecords(query);
    EXPECT_TRUE(leaves.ok());
    for (const auto& leaf : *leaves)
      out.push_back(audit::ParseAuditRecord(leaf.data)->event.action);
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<evidence::FileEvidenceStore> blobs_;
  std::unique_ptr<SqlEvidenceStore> store_;
};

TEST_P(EvidenceRetentionContractTest, ExpiredEvidenceIsPurgedAndThePurgeIsAudited) {
  const std::string sha = Capture("INC-1", "short-lived", kT0);
  ASSERT_TRUE(SetEvidenceRetentionClass(*db_, "INC-1", sha, "transient",
                                        evidence::DefaultRetentionClasses(), "user:alice",
                                        "debug output, no regulatory value", kT0)
                  .ok());
  EXPECT_TRUE(Sweep(kT0 + 29 * kDay).purged.empty());
  EXPECT_TRUE(store_->Get(sha).ok());
  auto report = Sweep(kT0 + 31 * kDay);
  ASSERT_EQ(report.purged, std::vector<std::string>{sha});
  EXPECT_EQ(store_->Get(sha).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(
      Actions("incident/INC-1"),
      (std::vector<std::string>{"evidence.capture", "evidence.retention_set", "evidence.purge"}));
  // The metadata row stays: the record that the evidence existed outlives its bytes.
  EXPECT_EQ(store_->ListByIncident("INC-1")->size(), 1u);
  EXPECT_TRUE(Sweep(kT0 + 32 * kDay).purged.empty());  // idempotent: no second purge record
  EXPECT_EQ(Actions("incident/INC-1").size(), 3u);
}

TEST_P(EvidenceRetentionContractTest, ConcurrentSweepsRecordEachPurgeOnce) {
  // Two sweepers (two instances on one database, or a scheduled sweep racing POST .../sweep):
  // each reads before the other writes, so the purge records must be re-checked under the lock.
  constexpr int kBlobs = 24;
  for (int i = 0; i < kBlobs; ++i) Capture("INC-9", "expired " + std::to_string(i), kT0);
  std::vector<std::thread> sweepers;
  for (int i = 0; i < 2; ++i) {
    sweepers.emplace_back([this] {
      auto report = SweepEvidenceRetention(*db_, *blobs_, evidence::DefaultRetentionClasses(),
                                           "system:retention", kT0 + 1000 * kDay);
      EXPECT_TRUE(report.ok()) << report.status().ToString();
    });
  }
  for (auto& sweeper : sweepers) sweeper.join();
  const auto actions = Actions("incident/INC-9");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "evidence.purge"), kBlobs);
  EXPECT_TRUE(Sweep(kT0 + 1001 * kDay).purged.empty());
}

TEST_P(EvidenceRetentionContractTest, HeldEvidenceIsNeverPurgedUntilTheHoldIsReleased) {
  const std::string sha = Capture("INC-2", "under hold", kT0);
  ASSERT_TRUE(
      SetEvidenceLegalHold(*db_, "INC-2", true, "user:legal", "litigation 2026-17", kT0).ok());
  auto report = Sweep(kT0 + 10'000 * kDay);
  EXPECT_TRUE(report.purged.empty());
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_EQ(report.kept[0].decision.reason, "legal hold on INC-2");
  EXPECT_TRUE(store_->Get(sha).ok());
  ASSERT_TRUE(SetEvidenceLegalHold(*db_, "INC-2", false, "user:legal", "case closed", kT0).ok());
  EXPECT_EQ(Sweep(kT0 + 10'000 * kDay).purged, std::vector<std::string>{sha});
  EXPECT_EQ(Actions("incident/INC-2"),
            (std::vector<std::string>{"evidence.capture", "evidence.legal_hold",
                                      "evidence.legal_hold", "evidence.purge"}));
}

TEST_P(EvidenceRetentionContractTest, BlobSharedWithAHeldIncidentStays) {
  const std::string sha = Capture("INC-3", "shared bytes", kT0);
  ASSERT_EQ(Capture("INC-4", "shared bytes", kT0), sha);
  ASSERT_TRUE(
      SetEvidenceLegalHold(*db_, "INC-4", true, "user:legal", "regulator inquiry", kT0).ok());
  EXPECT_TRUE(Sweep(kT0 + 10'000 * kDay).purged.empty());
  EXPECT_TRUE(store_->Get(sha).ok());
}

TEST_P(EvidenceRetentionContractTest, ClassChangesAreValidated) {
  const std::string sha = Capture("INC-5", "x", kT0);
  const auto classes = evidence::DefaultRetentionClasses();
  EXPECT_EQ(SetEvidenceRetentionClass(*db_, "INC-5", sha, "forever", classes, "u", "r", kT0)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SetEvidenceRetentionClass(*db_, "INC-5", sha, "regulatory", classes, "u", "", kT0)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SetEvidenceRetentionClass(*db_, "INC-6", sha, "regulatory", classes, "u", "r", kT0)
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(SetEvidenceLegalHold(*db_, "../etc", true, "u", "r", kT0).status().code(),
            StatusCode::kInvalidArgument);
  // Regulatory evidence outlives standard retention.
  ASSERT_TRUE(
      SetEvidenceRetentionClass(*db_, "INC-5", sha, "regulatory", classes, "u", "NIS2", kT0).ok());
  EXPECT_TRUE(Sweep(kT0 + 401 * kDay).purged.empty());
}

TEST_P(EvidenceRetentionContractTest, ReadIncidentRetentionGivesTheLatestClassPerBlobAndHold) {
  const std::string first = Capture("INC-3", "first", kT0);
  const std::string second = Capture("INC-3", "second", kT0);
  auto none = ReadIncidentRetention(*db_, "INC-3");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->class_of.empty());
  EXPECT_FALSE(none->legal_hold);
  const auto classes = evidence::DefaultRetentionClasses();
  ASSERT_TRUE(
      SetEvidenceRetentionClass(*db_, "INC-3", first, "transient", classes, "user:a", "x", kT0)
          .ok());
  ASSERT_TRUE(
      SetEvidenceRetentionClass(*db_, "INC-3", first, "regulatory", classes, "user:a", "y", kT0)
          .ok());
  ASSERT_TRUE(SetEvidenceLegalHold(*db_, "INC-3", true, "user:legal", "hold", kT0).ok());
  auto read = ReadIncidentRetention(*db_, "INC-3");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->class_of, (std::map<std::string, std::string>{{first, "regulatory"}}));
  EXPECT_FALSE(read->class_of.contains(second));
  EXPECT_TRUE(read->legal_hold);
  EXPECT_FALSE(ReadIncidentRetention(*db_, "INC-4")->legal_hold);  // per incident
}

INSTANTIATE_TEST_SUITE_P(Engines, EvidenceRetentionContractTest,
                         ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
