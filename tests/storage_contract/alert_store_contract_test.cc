#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <unistd.h>
#include <pqxx/pqxx>

#include "storage/database.h"
#include "storage_contract/engine_fixture.h"
#include "storage/postgres/postgres_migrations.h"
#include "storage/sqlite/sqlite_migrations.h"

namespace vakt::storage {
namespace {

class AlertStoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    fixture_ = std::make_unique<ContractDatabase>(GetParam());
    url_ = fixture_->url();
    auto db = OpenDatabase(url_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    fixture_.reset();
  }

  static Alert MakeAlert(const std::string& instance, TimeMs starts, TimeMs ends, TimeMs updated) {
    Alert alert;
    alert.labels = {{"alertname", "FeatureDrift"}, {"instance", instance}};
    alert.annotations = {{"summary", "drift on " + instance}};
    alert.fingerprint = Fingerprint(alert.labels);
    alert.starts_at = starts;
    alert.ends_at = ends;
    alert.updated_at = updated;
    return alert;
  }

  std::unique_ptr<ContractDatabase> fixture_;
  std::string url_;
  std::unique_ptr<Database> db_;
};

TEST_P(AlertStoreContractTest, NewAlertIsCreatedAndReadBack) {
  Alert alert = MakeAlert("a", 1000, 5000, 1000);
  auto result = db_->alerts().UpsertAlerts({alert});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 1u);
  EXPECT_TRUE((*result)[0].created);
  EXPECT_EQ((*result)[0].revision, 1);
  auto stored = db_->alerts().GetAlert(alert.fingerprint);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->labels, alert.labels);
  EXPECT_EQ(stored->annotations.at("summary"), "drift on a");
  EXPECT_EQ(stored->ends_at, 5000);
}

TEST_P(AlertStoreContractTest, OverlappingResendMergesKeepingEarliestStart) {
  ASSERT_TRUE(db_->alerts().UpsertAlerts({MakeAlert("a", 1000, 5000, 1000)}).ok());
  Alert resend = MakeAlert("a", 3000, 9000, 3000);
  resend.annotations["summary"] = "updated";
  auto result = db_->alerts().UpsertAlerts({resend});
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE((*result)[0].created);
  EXPECT_EQ((*result)[0].revision, 2);
  auto stored = db_->alerts().GetAlert(resend.fingerprint);
  EXPECT_EQ(stored->starts_at, 1000);
  EXPECT_EQ(stored->ends_at, 9000);
  EXPECT_EQ(stored->annotations.at("summary"), "updated");
}

TEST_P(AlertStoreContractTest, OlderUpdateDoesNotOverwriteNewerOne) {
  ASSERT_TRUE(db_->alerts().UpsertAlerts({MakeAlert("a", 1000, 9000, 5000)}).ok());
  Alert stale = MakeAlert("a", 1000, 6000, 2000);
  stale.annotations["summary"] = "stale";
  ASSERT_TRUE(db_->alerts().UpsertAlerts({stale}).ok());
  auto stored = db_->alerts().GetAlert(stale.fingerprint);
  EXPECT_EQ(stored->ends_at, 9000);
  EXPECT_EQ(stored->annotations.at("summary"), "drift on a");
  EXPECT_EQ(stored->updated_at, 5000);
}

TEST_P(AlertStoreContractTest, AlertAfterResolutionStartsNewOccurrence) {
  ASSERT_TRUE(db_->alerts().UpsertAlerts({MakeAlert("a", 1000, 2000, 1000)}).ok());
  auto result = db_->alerts().UpsertAlerts({MakeAlert("a", 10000, 20000, 10000)});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE((*result)[0].created);
  auto stored = db_->alerts().GetAlert(Fingerprint(MakeAlert("a", 0, 0, 0).labels));
  EXPECT_EQ(stored->starts_at, 10000);
}

TEST_P(AlertStoreContractTest, ListFiltersByStateAndPagesInStableOrder) {
  std::vector<Alert> batch;
  for (int idx = 0; idx < 25; ++idx) {
    batch.push_back(MakeAlert("node-" + std::to_string(idx), 1000, idx % 2 == 0 ? 5000 : 100000,
                              1000));
  }
  ASSERT_TRUE(db_->alerts().UpsertAlerts(batch).ok());
  AlertQuery query;
  query.state = AlertQuery::State::kActive;
  query.now = 10000;
  query.limit = 5;
  std::set<std::uint64_t> seen;
  for (int page = 0; page < 10; ++page) {
    auto alerts = db_->alerts().ListAlerts(query);
    ASSERT_TRUE(alerts.ok());
    if (alerts->empty()) break;
    for (const Alert& alert : *alerts) {
      EXPECT_GT(alert.ends_at, 10000);
      EXPECT_TRUE(seen.insert(alert.fingerprint).second) << "alert listed twice";
    }
    query.has_cursor = true;
    query.after_fingerprint = alerts->back().fingerprint;
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_EQ(*db_->alerts().CountAlerts(), 25);
}

TEST_P(AlertStoreContractTest, DedupKeyFindsPagerDutyAlert) {
  Alert alert = MakeAlert("pd", 1000, 5000, 1000);
  alert.dedup_key = "rk123/disk-full";
  alert.source = AlertSource::kPagerDuty;
  ASSERT_TRUE(db_->alerts().UpsertAlerts({alert}).ok());
  auto found = db_->alerts().FindByDedupKey("rk123/disk-full");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->fingerprint, alert.fingerprint);
  EXPECT_EQ(found->source, AlertSource::kPagerDuty);
  EXPECT_EQ(db_->alerts().FindByDedupKey("other/disk-full").status().code(),
            StatusCode::kNotFound);
}

TEST_P(AlertStoreContractTest, FingerprintsWithHighBitRoundTrip) {
  Alert alert = MakeAlert("x", 1000, 5000, 1000);
  alert.fingerprint = 0xfedcba9876543210ULL;
  ASSERT_TRUE(db_->alerts().UpsertAlerts({alert}).ok());
  auto stored = db_->alerts().GetAlert(0xfedcba9876543210ULL);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->fingerprint, 0xfedcba9876543210ULL);
}

TEST_P(AlertStoreContractTest, ChangeEventsListNewestFirstPerPipeline) {
  ChangeEvent deploy{0, "fraud-scoring", "deploy v42", "ci", "42", 5000, "{}"};
  ChangeEvent other{0, "credit-risk", "deploy v7", "ci", "7", 6000, "{}"};
  ChangeEvent later{0, "fraud-scoring", "deploy v43", "ci", "43", 7000, "{}"};
  for (const auto& event : {deploy, other, later}) ASSERT_TRUE(db_->alerts().AddChangeEvent(event).ok());
  auto events = db_->alerts().ListChangeEvents("fraud-scoring", 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].version, "43");
  EXPECT_EQ((*events)[1].version, "42");
  EXPECT_EQ(db_->alerts().ListChangeEvents("", 6500, 10)->size(), 1u);
}

TEST_P(AlertStoreContractTest, ReopeningAppliesNoMigrationTwice) {
  EXPECT_EQ(*db_->SchemaVersion(), SqliteMigrations().back().version);
  EXPECT_EQ(SqliteMigrations().back().version, PostgresMigrations().back().version);
  ASSERT_TRUE(db_->alerts().UpsertAlerts({MakeAlert("a", 1000, 5000, 1000)}).ok());
  db_.reset();
  auto reopened = OpenDatabase(url_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*(*reopened)->alerts().CountAlerts(), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, AlertStoreContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

TEST(OpenDatabaseTest, UnknownSchemeIsInvalidArgument) {
  auto db = OpenDatabase("mysql://localhost/vakt");
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vakt::storage
