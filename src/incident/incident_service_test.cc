#include "incident/incident_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "runbook/loader.h"
#include "storage/sql_incident_store.h"

namespace vakt::incident {
namespace {

std::filesystem::path SourceDir() { return std::getenv("VAKT_SOURCE_DIR"); }

// The service against the shipped example runbooks and catalogue on an in-memory SQLite.
class IncidentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenDatabase("sqlite::memory:");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    store_ = std::make_unique<storage::SqlIncidentStore>(*db_);
    auto set = runbook::LoadRunbookSet({SourceDir() / "examples/runbooks"});
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    auto catalog = catalog::LoadCatalogFile(SourceDir() / "examples/pipelines.yaml");
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    service_ = std::make_unique<IncidentService>(*db_, *store_, clock_, metrics_);
    Routing routing;
    routing.matcher = std::make_shared<dispatch::RunbookMatcher>(dispatch::RunbookMatcher::Build(
        std::make_shared<runbook::RunbookSet>(std::move(*set))));
    routing.catalog = std::make_shared<catalog::Catalog>(std::move(*catalog));
    service_->SetRouting(routing);
  }

  Alert MakeAlert(LabelSet labels, TimeMs ends_in = 3'600'000) {
    Alert alert;
    alert.labels = std::move(labels);
    alert.annotations = {{"summary", "PSI 0.31 on card_velocity_1h"}};
    alert.fingerprint = Fingerprint(alert.labels);
    alert.starts_at = clock_.NowMs();
    alert.ends_at = clock_.NowMs() + ends_in;
    alert.updated_at = clock_.NowMs();
    return alert;
  }

  void Store(const std::vector<Alert>& alerts) {
    ASSERT_TRUE(db_->alerts().UpsertAlerts(alerts).ok());
  }

  static LabelSet FraudDrift(const std::string& feature) {
    return {{"alertname", "FeatureDrift"}, {"pipeline", "fraud-scoring"}, {"model", "fraud-gbm"},
            {"severity", "critical"}, {"feature", feature}};
  }

  FakeClock clock_{1'795'827'723'000};
  MetricsRegistry metrics_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::SqlIncidentStore> store_;
  std::unique_ptr<IncidentService> service_;
};

TEST_F(IncidentServiceTest, GroupWaitCollectsSiblingsIntoOneIncident) {
  Store({MakeAlert(FraudDrift("card_velocity_1h"))});
  ASSERT_EQ(*service_->DispatchPending(), 0u) << "group_wait (1m) has not passed";
  clock_.Advance(30'000);
  Store({MakeAlert(FraudDrift("merchant_risk"))});
  clock_.Advance(31'000);
  ASSERT_EQ(*service_->DispatchPending(), 2u);
  auto incidents = store_->ListIncidents({});
  ASSERT_EQ(incidents->size(), 1u);
  const Incident& incident = incidents->front();
  EXPECT_EQ(incident.runbook_id, "fraud-feature-drift");
  EXPECT_EQ(incident.state, IncidentState::kTriggered);
  EXPECT_EQ(store_->ListIncidentAlerts(incident.id)->size(), 2u);
}

TEST_F(IncidentServiceTest, SnapshotCarriesPipelineVersionsAndRenderedLinks) {
  storage::ChangeEvent older{0, "fraud-scoring", "deploy 41", "argo", "41", clock_.NowMs() - 86'400'000 * 3, "{}"};
  storage::ChangeEvent latest{0, "fraud-scoring", "deploy 42: new velocity features", "argo", "42",
                              clock_.NowMs() - 3'600'000, "{}"};
  ASSERT_TRUE(db_->alerts().AddChangeEvent(older).ok());
  ASSERT_TRUE(db_->alerts().AddChangeEvent(latest).ok());
  Alert alert = MakeAlert(FraudDrift("card_velocity_1h"));
  alert.starts_at -= 120'000;  // began before vakt saw it: group_wait already over
  Store({alert});
  ASSERT_EQ(*service_->DispatchPending(), 1u);
  auto incident = store_->ListIncidents({})->front();
  const auto& context = incident.context;
  EXPECT_EQ(context["deployed_version"], "42");
  EXPECT_EQ(context["previous_version"], "41");
  EXPECT_EQ(context["recent_deployments"].size(), 1u);
  EXPECT_EQ(context["pipeline"]["id"], "fraud-scoring");
  EXPECT_EQ(context["model"], "fraud-gbm");
  EXPECT_FALSE(context["business_impact"].empty());
  EXPECT_EQ(context["runbook"]["content_hash"], incident.runbook_hash);
  bool rendered = false;
  for (const auto& link : context["links"]) {
    if (link["url"].get<std::string>().find("var-model=fraud-gbm") != std::string::npos) rendered = true;
  }
  EXPECT_TRUE(rendered) << context["links"].dump();
}

TEST_F(IncidentServiceTest, RefiredAlertJoinsItsOpenIncident) {
  Alert alert = MakeAlert(FraudDrift("f1"));
  alert.starts_at -= 120'000;
  Store({alert});
  ASSERT_EQ(*service_->DispatchPending(), 1u);
  Alert sibling = MakeAlert(FraudDrift("f2"));
  Store({sibling});
  ASSERT_EQ(*service_->DispatchPending(), 1u) << "joins immediately: the group is open";
  EXPECT_EQ(store_->ListIncidents({})->size(), 1u);
  ASSERT_EQ(*service_->DispatchPending(), 0u) << "a second pass repeats nothing";
}

TEST_F(IncidentServiceTest, AllAlertsResolvedResolvesTheIncident) {
  Alert alert = MakeAlert(FraudDrift("f1"), 60'000);
  alert.starts_at -= 120'000;
  Store({alert});
  ASSERT_TRUE(service_->DispatchPending().ok());
  clock_.Advance(61'000);  // endsAt passed without a re-send: resolved, as in Alertmanager
  ASSERT_TRUE(service_->DispatchPending().ok());
  auto incident = store_->ListIncidents({})->front();
  EXPECT_EQ(incident.state, IncidentState::kResolved);
  auto events = store_->ListEvents(incident.id);
  EXPECT_EQ(events->back().kind, "resolved");
  EXPECT_EQ(events->back().actor, "vakt");
}

TEST_F(IncidentServiceTest, UnmatchedAlertFallsBackToTheTriageRunbook) {
  Alert alert = MakeAlert({{"alertname", "SomethingOdd"}, {"severity", "warning"}});
  alert.starts_at -= 3'600'000;
  Store({alert});
  ASSERT_EQ(*service_->DispatchPending(), 1u);
  auto incident = store_->ListIncidents({})->front();
  auto set = service_->routing().matcher->runbooks().default_runbook();
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(incident.runbook_id, set->id());
}

TEST_F(IncidentServiceTest, ActionsAreRecordedWithActorAndRefusedWhenInvalid) {
  Alert alert = MakeAlert(FraudDrift("f1"));
  alert.starts_at -= 120'000;
  Store({alert});
  ASSERT_TRUE(service_->DispatchPending().ok());
  std::int64_t id = store_->ListIncidents({})->front().id;
  ASSERT_TRUE(service_->Act(id, IncidentAction::kAcknowledge, "alice", "on it").ok());
  EXPECT_EQ(service_->Act(id, IncidentAction::kAcknowledge, "bob", "").status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(service_->Act(id, IncidentAction::kNote, "alice", "rolled back feature job").ok());
  ASSERT_TRUE(service_->Act(id, IncidentAction::kResolve, "alice", "fixed").ok());
  auto events = *store_->ListEvents(id);
  std::vector<std::string> kinds;
  for (const auto& event : events) kinds.push_back(event.kind + ":" + event.actor);
  EXPECT_EQ(kinds, (std::vector<std::string>{"opened:vakt", "acknowledged:alice", "note:alice",
                                             "resolved:alice"}));
}

}  // namespace
}  // namespace vakt::incident
