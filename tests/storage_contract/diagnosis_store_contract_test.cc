#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "storage/database.h"
#include "storage/sql_diagnosis_store.h"
#include "storage/sql_incident_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

class DiagnosisStoreContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
    incidents_ = std::make_unique<SqlIncidentStore>(*db_);
    store_ = std::make_unique<SqlDiagnosisStore>(*db_);
    Incident draft;
    draft.title = "Serving errors";
    draft.group_key = "g1";
    draft.runbook_id = "fraud-serving-errors-latency";
    draft.created_at = 1000;
    draft.updated_at = 1000;
    IncidentEvent opened;
    opened.time = 1000;
    opened.actor = "vakt";
    opened.kind = "opened";
    opened.to_state = "triggered";
    auto created = incidents_->CreateIncident(draft, {}, opened);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    incident_id_ = created->id;
  }
  void TearDown() override {
    store_.reset();
    incidents_.reset();
    db_.reset();
    fixture_.reset();
  }

  StoredDiagnosis Diagnosis(TimeMs at, const std::string& verdict) {
    StoredDiagnosis d;
    d.incident_id = incident_id_;
    d.created_at = at;
    d.actor = "user:alice";
    d.verdict = verdict;
    d.score = "0.95";
    d.result_json = nlohmann::json{{"verdict", verdict}, {"at", at}}.dump();
    d.report = "Root cause: " + verdict;
    return d;
  }

  std::unique_ptr<SqlIncidentStore> incidents_;
  std::unique_ptr<SqlDiagnosisStore> store_;
  std::int64_t incident_id_ = 0;
};

TEST_P(DiagnosisStoreContractTest, SavedDiagnosisIsTheLatestWithItsResultAndDigest) {
  auto saved = store_->Save(Diagnosis(2000, "infrastructure"));
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  auto latest = store_->Latest(incident_id_);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->id, saved->id);
  EXPECT_EQ(latest->verdict, "infrastructure");
  EXPECT_EQ(latest->actor, "user:alice");
  EXPECT_EQ(latest->created_at, 2000);
  EXPECT_EQ(latest->report, "Root cause: infrastructure");
  EXPECT_EQ(nlohmann::json::parse(latest->result_json)["verdict"], "infrastructure");
  EXPECT_EQ(latest->result_sha256, Sha256Hex(latest->result_json));
}

TEST_P(DiagnosisStoreContractTest, HistoryListsEveryRunNewestFirst) {
  ASSERT_TRUE(store_->Save(Diagnosis(2000, "data_drift")).ok());
  ASSERT_TRUE(store_->Save(Diagnosis(3000, "model_regression")).ok());
  auto list = store_->List(incident_id_, 10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].verdict, "model_regression");
  EXPECT_EQ((*list)[1].verdict, "data_drift");
  EXPECT_EQ(store_->List(incident_id_, 1)->size(), 1u);
}

TEST_P(DiagnosisStoreContractTest, IncidentWithoutDiagnosisIsNotFound) {
  EXPECT_EQ(store_->Latest(incident_id_).status().code(), StatusCode::kNotFound);
}

TEST_P(DiagnosisStoreContractTest, DiagnosisOfUnknownIncidentIsRejected) {
  StoredDiagnosis orphan = Diagnosis(2000, "unknown");
  orphan.incident_id = incident_id_ + 100;
  EXPECT_EQ(store_->Save(orphan).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->List(incident_id_ + 100, 10)->empty());
}

TEST_P(DiagnosisStoreContractTest, SaveAppendsTimelineEventAndAuditRecordWithDigest) {
  auto saved = store_->Save(Diagnosis(2000, "infrastructure"));
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  auto events = incidents_->ListEvents(incident_id_);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->back().kind, "diagnosed");
  EXPECT_EQ(events->back().actor, "user:alice");
  EXPECT_EQ(events->back().details["verdict"], "infrastructure");

  std::vector<std::string> data;
  ASSERT_TRUE(db_->RunRead([&](SqlConnection& conn) -> Status {
                  VAKT_ASSIGN_OR_RETURN(
                      auto rows, conn.Query("SELECT data FROM audit_leaves WHERE action = $1 "
                                            "AND subject = $2",
                                            {std::string("incident.diagnosed"),
                                             "incident/INC-" + std::to_string(incident_id_)}));
                  for (const SqlRow& row : rows) data.push_back(row.Text(0));
                  return Status::Ok();
                }).ok());
  ASSERT_EQ(data.size(), 1u);
  EXPECT_NE(data[0].find(saved->result_sha256), std::string::npos) << data[0];
  EXPECT_NE(data[0].find("infrastructure"), std::string::npos) << data[0];
}

INSTANTIATE_TEST_SUITE_P(Engines, DiagnosisStoreContractTest,
                         ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
