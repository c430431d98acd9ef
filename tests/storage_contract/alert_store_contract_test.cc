#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <unistd.h>
#include <pqxx/pqxx>
#include <sqlite3.h>

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

// SQLite remembers the rows it wrote so a re-send becomes a narrow UPDATE (AlertResendIndex).
// These tests hold that path to the full upsert's results.
class SqliteResendPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vakt-resend-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Database> Open(const std::string& name) {
    auto db = OpenDatabase("sqlite:" + (dir_ / name).string());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }
  static Alert Make(int instance, TimeMs starts, TimeMs ends, TimeMs updated,
                    const std::string& summary) {
    Alert alert;
    alert.labels = {{"alertname", "FeatureDrift"}, {"instance", std::to_string(instance)}};
    alert.annotations = {{"summary", summary}};
    alert.fingerprint = Fingerprint(alert.labels);
    alert.starts_at = starts;
    alert.ends_at = ends;
    alert.updated_at = updated;
    return alert;
  }
  std::filesystem::path dir_;
};

TEST_F(SqliteResendPathTest, RandomResendsStoreWhatTheFullUpsertStores) {
  // `warm` keeps one connection (its index fills up and re-sends take the narrow UPDATE);
  // `cold` is reopened before every batch, so every alert goes through the upsert SQL.
  auto warm = Open("warm.db");
  ASSERT_NE(warm, nullptr);
  std::mt19937 random(20261128);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(random); };
  for (int step = 0; step < 300; ++step) {
    std::vector<Alert> batch;
    int size = pick(1, 3);  // sometimes one fingerprint twice in a batch
    for (int idx = 0; idx < size; ++idx) {
      TimeMs starts = pick(0, 200) * 10;
      Alert alert = Make(pick(0, 4), starts, starts + pick(0, 60) * 10, pick(0, 300) * 10,
                         pick(0, 5) == 0 ? "changed" : "same");
      if (pick(0, 9) == 0) alert.generator_url = "http://prometheus/graph";
      batch.push_back(alert);
    }
    auto cold = Open("cold.db");
    ASSERT_NE(cold, nullptr);
    auto expected = cold->alerts().UpsertAlerts(batch);
    // Every other batch through the ingest writer's pipelined pair (commit, then sync).
    auto actual = step % 2 == 0 ? warm->alerts().UpsertAlerts(batch)
                                : warm->alerts().UpsertAlertsUnsynced(batch);
    ASSERT_TRUE(expected.ok() && actual.ok());
    ASSERT_TRUE(warm->alerts().SyncCommitted().ok());
    for (size_t idx = 0; idx < batch.size(); ++idx) {
      EXPECT_EQ((*actual)[idx].revision, (*expected)[idx].revision) << "step " << step;
      EXPECT_EQ((*actual)[idx].created, (*expected)[idx].created) << "step " << step;
    }
  }
  auto cold = Open("cold.db");
  for (int instance = 0; instance <= 4; ++instance) {
    std::uint64_t fingerprint = Make(instance, 0, 0, 0, "").fingerprint;
    auto expected = cold->alerts().GetAlert(fingerprint);
    auto actual = warm->alerts().GetAlert(fingerprint);
    ASSERT_EQ(expected.ok(), actual.ok());
    if (!expected.ok()) continue;
    EXPECT_EQ(actual->starts_at, expected->starts_at);
    EXPECT_EQ(actual->ends_at, expected->ends_at);
    EXPECT_EQ(actual->updated_at, expected->updated_at);
    EXPECT_EQ(actual->annotations, expected->annotations);
    EXPECT_EQ(actual->generator_url, expected->generator_url);
  }
}

TEST_F(SqliteResendPathTest, WriteByAnotherConnectionIsNotHiddenByRememberedRows) {
  auto first = Open("shared.db");
  auto second = Open("shared.db");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->alerts().UpsertAlerts({Make(1, 1000, 9000, 1000, "original")}).ok());
  ASSERT_TRUE(second->alerts().UpsertAlerts({Make(1, 1000, 9000, 2000, "from elsewhere")}).ok());
  // Same content as `first` remembers, newer update: the merge rule stores its annotations.
  ASSERT_TRUE(first->alerts().UpsertAlerts({Make(1, 1000, 9500, 3000, "original")}).ok());
  auto stored = second->alerts().GetAlert(Make(1, 0, 0, 0, "").fingerprint);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->annotations.at("summary"), "original");
  EXPECT_EQ(stored->ends_at, 9500);
  EXPECT_EQ(stored->updated_at, 3000);
}

TEST_F(SqliteResendPathTest, ResendOfARowDeletedOnTheSameConnectionIsStoredAgain) {
  auto db = Open("deleted.db");
  ASSERT_NE(db, nullptr);
  Alert gone = Make(1, 1000, 9000, 1000, "same");
  ASSERT_TRUE(db->alerts().UpsertAlerts({gone}).ok());  // remembered with its row key
  // Deleted through the same connection (no data_version change), then its row key is reused.
  ASSERT_TRUE(db->RunWrite([](SqlConnection& conn) {
                  return conn.Query("DELETE FROM alerts", {}).status();
                }).ok());
  Alert newcomer = Make(2, 1000, 9000, 1000, "newcomer");
  ASSERT_TRUE(db->alerts().UpsertAlerts({newcomer}).ok());
  gone.updated_at = 2000;
  auto resent = db->alerts().UpsertAlerts({gone});
  ASSERT_TRUE(resent.ok());
  EXPECT_TRUE((*resent)[0].created);
  auto other = db->alerts().GetAlert(newcomer.fingerprint);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->annotations.at("summary"), "newcomer");
  EXPECT_EQ(other->updated_at, 1000);
  auto back = db->alerts().GetAlert(gone.fingerprint);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->updated_at, 2000);
  EXPECT_EQ(*db->alerts().CountAlerts(), 2);
}

// v15 rebuilds SQLite's alerts table in arrival order; a database written before it keeps every
// row and column, and its rows are numbered by starts_at.
TEST_F(SqliteResendPathTest, MigrationToArrivalOrderKeepsEveryStoredAlert) {
  const std::string path = (dir_ / "v14.db").string();
  std::filesystem::create_directories(dir_);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  auto exec = [&](const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "") << " in " << sql.substr(0, 80);
    sqlite3_free(error);
  };
  exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  for (const Migration& migration : SqliteMigrations()) {
    if (migration.version >= 15) break;
    exec(migration.sql);
    exec("INSERT INTO schema_migrations VALUES (" + std::to_string(migration.version) + ", 0)");
  }
  // Three alerts in the v1 layout (fingerprint as rowid), the high-bit one stored negative.
  exec(R"(INSERT INTO alerts VALUES
    (-5, '{"a":"1"}', '{}', 3000, 9000, 3000, 'http://g', 'alertmanager', NULL, 4, 2),
    (7, '{"a":"2"}', '{"s":"x"}', 1000, 2000, 1500, '', 'pagerduty', 'rk/d', 1, 1),
    (2, '{"a":"3"}', '{}', 2000, 9000, 2000, '', 'generic', NULL, 2, 1))");
  sqlite3_close(raw);

  auto db = Open("v14.db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->SchemaVersion(), SqliteMigrations().back().version);
  auto high = db->alerts().GetAlert(static_cast<std::uint64_t>(-5));
  ASSERT_TRUE(high.ok()) << high.status().ToString();
  EXPECT_EQ(high->labels, (LabelSet{{"a", "1"}}));
  EXPECT_EQ(high->starts_at, 3000);
  EXPECT_EQ(high->generator_url, "http://g");
  auto paged = db->alerts().FindByDedupKey("rk/d");
  ASSERT_TRUE(paged.ok());
  EXPECT_EQ(paged->annotations, (LabelSet{{"s", "x"}}));
  EXPECT_EQ(paged->updated_at, 1500);
  std::vector<std::int64_t> order;
  ASSERT_TRUE(db->RunRead([&](SqlConnection& conn) -> Status {
                  VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT fingerprint, revision "
                                                              "FROM alerts ORDER BY arrival",
                                                              {}));
                  for (const auto& row : rows) {
                    order.push_back(row.Int(0));
                    if (row.Int(0) == -5) {
                      EXPECT_EQ(row.Int(1), 4);
                    }
                  }
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(order, (std::vector<std::int64_t>{7, 2, -5}));
  // The merge still works on migrated rows: a re-send of the first alert keeps its start.
  Alert resend;
  resend.labels = {{"a", "1"}};
  resend.fingerprint = static_cast<std::uint64_t>(-5);
  resend.starts_at = 3500;
  resend.ends_at = 9500;
  resend.updated_at = 4000;
  auto merged = db->alerts().UpsertAlerts({resend});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)[0].revision, 5);
  EXPECT_EQ(db->alerts().GetAlert(resend.fingerprint)->starts_at, 3000);
}

TEST(OpenDatabaseTest, UnknownSchemeIsInvalidArgument) {
  auto db = OpenDatabase("mysql://localhost/vakt");
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vakt::storage
