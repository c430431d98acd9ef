#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <thread>
#include <unistd.h>

#include "storage/database.h"
#include "storage/sql_incident_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

class IncidentStoreContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<SqlIncidentStore>(*db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    fixture_.reset();
  }

  Alert StoredAlert(const std::string& name, TimeMs ends_at) {
    Alert alert;
    alert.labels = {{"alertname", name}};
    alert.fingerprint = Fingerprint(alert.labels);
    alert.starts_at = 1000;
    alert.ends_at = ends_at;
    alert.updated_at = 1000;
    EXPECT_TRUE(db_->alerts().UpsertAlerts({alert}).ok());
    return alert;
  }

  Incident Draft(const std::string& group_key) {
    Incident incident;
    incident.title = "Feature drift";
    incident.severity = "critical";
    incident.group_key = group_key;
    incident.group_labels = {{"alertname", "FeatureDrift"}};
    incident.runbook_id = "fraud-feature-drift";
    incident.created_at = 1000;
    incident.updated_at = 1000;
    incident.context = {{"deployed_version", "42"}};
    return incident;
  }

  IncidentEvent Opened() {
    IncidentEvent event;
    event.time = 1000;
    event.actor = "vakt";
    event.kind = "opened";
    event.to_state = "triggered";
    return event;
  }

  std::unique_ptr<SqlIncidentStore> store_;
};

TEST_P(IncidentStoreContractTest, CreatedIncidentRoundTripsWithAlertsAndEvent) {
  Alert alert = StoredAlert("A", 100000);
  auto created = store_->CreateIncident(Draft("g1"), {alert.fingerprint}, Opened());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto loaded = store_->GetIncident(created->id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->Key(), created->Key());
  EXPECT_EQ(loaded->context["deployed_version"], "42");
  EXPECT_EQ(loaded->group_labels.at("alertname"), "FeatureDrift");
  EXPECT_EQ(store_->ListIncidentAlerts(created->id)->size(), 1u);
  EXPECT_EQ(store_->ListEvents(created->id)->front().kind, "opened");
}

TEST_P(IncidentStoreContractTest, OnlyOneOpenIncidentPerGroup) {
  ASSERT_TRUE(store_->CreateIncident(Draft("g1"), {}, Opened()).ok());
  auto second = store_->CreateIncident(Draft("g1"), {}, Opened());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->ListIncidents({})->size(), 1u) << "the refused insert left nothing behind";
}

TEST_P(IncidentStoreContractTest, EveryEventAppendsAnAuditLeafAndARefusedChangeAppendsNone) {
  auto first = *store_->CreateIncident(Draft("g1"), {}, Opened());
  Incident acked = first;
  acked.state = IncidentState::kAcknowledged;
  IncidentEvent event = Opened();
  event.incident_id = first.id;
  event.actor = "token:alice";
  event.kind = "acknowledged";
  event.details = {{"latency_seconds", 1.5}};  // floats are carried as text in the audit record
  ASSERT_TRUE(store_->UpdateIncident(acked, first.version, event).ok());
  EXPECT_FALSE(store_->UpdateIncident(acked, first.version, event).ok()) << "stale version";
  std::vector<std::string> actions;
  ASSERT_TRUE(db_->RunRead([&](SqlConnection& conn) -> Status {
                   VAKT_ASSIGN_OR_RETURN(
                       SqlRows rows,
                       conn.Query("SELECT seq, action FROM audit_leaves WHERE subject = $1 "
                                  "ORDER BY seq",
                                  {"incident/" + first.Key()}));
                   for (const SqlRow& row : rows) actions.push_back(row.Text(1));
                   return Status::Ok();
                 }).ok());
  EXPECT_EQ(actions, (std::vector<std::string>{"incident.opened", "incident.acknowledged"}));
}

TEST_P(IncidentStoreContractTest, ResolvedIncidentFreesItsGroup) {
  auto first = *store_->CreateIncident(Draft("g1"), {}, Opened());
  Incident resolved = first;
  resolved.state = IncidentState::kResolved;
  IncidentEvent event = Opened();
  event.incident_id = first.id;
  event.kind = "resolved";
  ASSERT_TRUE(store_->UpdateIncident(resolved, first.version, event).ok());
  EXPECT_EQ(store_->FindOpenByGroupKey("g1").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->CreateIncident(Draft("g1"), {}, Opened()).ok());
}

TEST_P(IncidentStoreContractTest, StaleVersionUpdateIsRefused) {
  auto incident = *store_->CreateIncident(Draft("g1"), {}, Opened());
  Incident next = incident;
  next.assignee = "alice";
  IncidentEvent event = Opened();
  event.incident_id = incident.id;
  event.kind = "assigned";
  ASSERT_TRUE(store_->UpdateIncident(next, incident.version, event).ok());
  next.assignee = "bob";
  EXPECT_EQ(store_->UpdateIncident(next, incident.version, event).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetIncident(incident.id)->assignee, "alice");
  EXPECT_EQ(store_->ListEvents(incident.id)->size(), 2u) << "the refused update recorded nothing";
}

TEST_P(IncidentStoreContractTest, AttachSkipsAlreadyLinkedAlerts) {
  Alert first = StoredAlert("A", 100000);
  Alert second = StoredAlert("B", 100000);
  auto incident = *store_->CreateIncident(Draft("g1"), {first.fingerprint}, Opened());
  auto added = store_->AttachAlerts(incident.id, {first.fingerprint, second.fingerprint}, 2000);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_EQ(added->size(), 1u);
  EXPECT_EQ(added->front(), second.fingerprint);
  EXPECT_EQ(store_->ListIncidentAlerts(incident.id)->size(), 2u);
}

TEST_P(IncidentStoreContractTest, UnattachedAndFinishedQueriesSeeAlertState) {
  Alert attached = StoredAlert("A", 5000);
  Alert loose = StoredAlert("B", 100000);
  auto incident = *store_->CreateIncident(Draft("g1"), {attached.fingerprint}, Opened());
  auto unattached = store_->ListUnattachedActiveAlerts(2000, 100);
  ASSERT_TRUE(unattached.ok());
  ASSERT_EQ(unattached->size(), 1u);
  EXPECT_EQ(unattached->front().fingerprint, loose.fingerprint);
  EXPECT_TRUE(store_->ListOpenIncidentsWithoutActiveAlerts(2000)->empty());
  auto finished = store_->ListOpenIncidentsWithoutActiveAlerts(6000);
  ASSERT_EQ(finished->size(), 1u);
  EXPECT_EQ(finished->front(), incident.id);
}

TEST_P(IncidentStoreContractTest, ListFiltersAndPagesNewestFirst) {
  for (int idx = 0; idx < 5; ++idx) {
    Incident draft = Draft("g" + std::to_string(idx));
    draft.pipeline = idx % 2 == 0 ? "fraud-scoring" : "credit-risk";
    ASSERT_TRUE(store_->CreateIncident(draft, {}, Opened()).ok());
  }
  IncidentQuery query;
  query.pipeline = "fraud-scoring";
  auto fraud = *store_->ListIncidents(query);
  ASSERT_EQ(fraud.size(), 3u);
  EXPECT_GT(fraud[0].id, fraud[1].id);
  IncidentQuery page;
  page.limit = 2;
  auto first_page = *store_->ListIncidents(page);
  page.before_id = first_page.back().id;
  auto second_page = *store_->ListIncidents(page);
  ASSERT_EQ(second_page.size(), 2u);
  EXPECT_LT(second_page.front().id, first_page.back().id);
}

INSTANTIATE_TEST_SUITE_P(Engines, IncidentStoreContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
