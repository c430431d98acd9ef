#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/sql_drill_store.h"
#include "storage/sql_incident_store.h"
#include "storage/sql_retro_proposal_store.h"
#include "storage/sql_retro_store.h"
#include "storage/sql_runbook_version_store.h"
#include "storage_contract/engine_fixture.h"

// Runbook versions, retros, proposals and drills (issue 9) on both engines.
namespace vakt::storage {
namespace {

class RunbookHistoryContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
  }

  RunbookVersion Draft(const std::string& hash, const std::string& source = "reload") {
    RunbookVersion version;
    version.runbook_id = "fraud-drift";
    version.content_hash = std::string(64, hash.at(0));  // a SHA-256-shaped hex digest
    version.content = "content " + hash;
    version.author = "alice";
    version.message = "m";
    version.source = source;
    return version;
  }

  std::int64_t AuditCount(const std::string& action) {
    std::int64_t count = -1;
    EXPECT_TRUE(db_->RunRead([&](SqlConnection& conn) -> Status {
                     VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT COUNT(*) FROM audit_leaves WHERE action = $1", {action}));
                     count = rows.at(0).Int(0);
                     return Status::Ok();
                   }).ok());
    return count;
  }

  Incident OpenIncident(const std::string& group_key, bool drill = false) {
    SqlIncidentStore incidents(*db_);
    Incident draft;
    draft.title = "t";
    draft.severity = "critical";
    draft.group_key = group_key;
    draft.runbook_id = "fraud-drift";
    draft.pipeline = "fraud";
    draft.drill = drill;
    draft.created_at = 1000;
    draft.updated_at = 1000;
    IncidentEvent opened;
    opened.time = 1000;
    opened.actor = "vakt";
    opened.kind = "opened";
    auto created = incidents.CreateIncident(draft, {}, opened);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : Incident{};
  }

};

TEST_P(RunbookHistoryContractTest, VersionIsRecordedOnlyWhenTheContentHashChanges) {
  SqlRunbookVersionStore store(*db_);
  auto first = store.RecordIfChanged(Draft("aa"), 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->version, 1);
  auto same = store.RecordIfChanged(Draft("aa"), 2000);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->has_value());
  auto second = store.RecordIfChanged(Draft("bb"), 3000);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->version, 2);
  auto list = store.List("fraud-drift");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].content_hash, std::string(64, 'b'));
  EXPECT_EQ((*list)[1].created_at, 3000);
  auto got = store.Get("fraud-drift", 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->content, "content aa");
  EXPECT_EQ(store.Get("fraud-drift", 3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.Latest("fraud-drift")->version, 2);
  EXPECT_EQ(AuditCount("runbook.version"), 2);
}

TEST_P(RunbookHistoryContractTest, RetroOpensOnceAndFreezesWhenCompleted) {
  Incident incident = OpenIncident("g1");
  SqlRetroStore retros(*db_);
  ASSERT_TRUE(retros.Open(incident.id, "vakt", 5000).ok());
  auto again = retros.Open(incident.id, "vakt", 6000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->opened_at, 5000);
  EXPECT_EQ(AuditCount("retro.open"), 1);
  StoredRetro next = *again;
  next.root_cause_category = "data-drift";
  next.contributing_factors = {"no alert on freshness", "stale dashboard"};
  ASSERT_TRUE(retros.Update(next, "alice", 7000).ok());
  EXPECT_EQ(retros.Get(incident.id)->contributing_factors, next.contributing_factors);
  ASSERT_TRUE(retros.AddActionItem({0, incident.id, "add step", "bob", "2026-12-01", "open", "alice", 0}, 8000).ok());
  ASSERT_TRUE(retros.Complete(incident.id, "alice", 9000).ok());
  EXPECT_EQ(retros.Complete(incident.id, "alice", 9500).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(retros.Update(next, "alice", 9600).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(retros.Get(incident.id)->state, "completed");
  EXPECT_EQ(retros.ListActionItems(incident.id)->size(), 1u);
  EXPECT_EQ(retros.Get(incident.id + 1000).status().code(), StatusCode::kNotFound);
}

TEST_P(RunbookHistoryContractTest, AuditTrailHoldsTheIncidentAndItsStepsOnly) {
  Incident first = OpenIncident("g1");
  SqlRetroStore retros(*db_);
  ASSERT_TRUE(retros.AddAnnotation({0, first.id, "look", "unclear", "which?", "rita", 0}, 2000).ok());
  // Another incident's annotation must not appear in the first incident's trail.
  for (int index = 0; index < 9; ++index) OpenIncident("other" + std::to_string(index));
  Incident tenth = OpenIncident("g10");
  ASSERT_TRUE(retros.AddAnnotation({0, tenth.id, "look", "slow", "", "rita", 0}, 3000).ok());
  auto trail = retros.IncidentAuditTrail(first.id, 100);
  ASSERT_TRUE(trail.ok()) << trail.status().ToString();
  ASSERT_EQ(trail->size(), 2u);
  EXPECT_EQ((*trail)[0].action, "incident.opened");
  EXPECT_EQ((*trail)[1].action, "step.annotate");
  EXPECT_EQ((*trail)[1].subject, "step/INC-" + std::to_string(first.id) + "/look");
  EXPECT_EQ(retros.ListAnnotations(first.id)->size(), 1u);
}

TEST_P(RunbookHistoryContractTest, ProposalNeedsASecondPersonAndAppliesOnceAsAVersion) {
  SqlRetroProposalStore proposals(*db_);
  SqlRunbookVersionStore versions(*db_);
  ASSERT_TRUE(versions.RecordIfChanged(Draft("aa"), 1000).ok());
  RunbookProposal draft;
  draft.runbook_id = "fraud-drift";
  draft.origin = "retro";
  draft.author = "alice";
  draft.message = "add a step";
  draft.base_hash = std::string(64, 'a');
  draft.patch = "[]";
  draft.proposed_content = "new";
  auto created = proposals.Create(draft, 2000);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(proposals.Review(created->id, true, "alice", "", 3000).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(proposals.MarkApplied(created->id, Draft("bb", "proposal"), "bob", 3500).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(proposals.Review(created->id, true, "bob", "ok", 4000).ok());
  EXPECT_EQ(proposals.Review(created->id, false, "carol", "", 4100).status().code(),
            StatusCode::kFailedPrecondition);
  RunbookVersion version = Draft("bb", "proposal");
  version.proposal_id = created->id;
  auto applied = proposals.MarkApplied(created->id, version, "bob", 5000);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->applied_version, 2);
  EXPECT_EQ(proposals.MarkApplied(created->id, version, "bob", 6000).status().code(),
            StatusCode::kFailedPrecondition);
  auto latest = versions.Latest("fraud-drift");
  EXPECT_EQ(latest->source, "proposal");
  EXPECT_EQ(latest->proposal_id, created->id);
  EXPECT_EQ(proposals.List("fraud-drift", 10)->size(), 1u);
  EXPECT_EQ(proposals.List("", 10)->size(), 1u);
  EXPECT_EQ(proposals.List("other", 10)->size(), 0u);
  EXPECT_EQ(AuditCount("runbook.proposal_apply"), 1);
}

TEST_P(RunbookHistoryContractTest, DrillsAndResponsesAreReadWithTheirMilestones) {
  Incident drill = OpenIncident("drill/fraud-drift/1", true);
  Incident real = OpenIncident("g1");
  SqlDrillStore drills(*db_);
  DrillRecord record;
  record.incident_id = drill.id;
  record.runbook_id = "fraud-drift";
  record.scenario = "infra";
  record.started_by = "dora";
  ASSERT_TRUE(drills.RecordDrill(record, 1000).ok());
  auto listed = drills.ListDrills(0, 10);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].scenario, "infra");
  EXPECT_EQ((*listed)[0].state, "triggered");
  EXPECT_EQ((*listed)[0].steps_skipped, 0);
  auto responses = drills.ListResponses(0, 10);
  ASSERT_TRUE(responses.ok()) << responses.status().ToString();
  ASSERT_EQ(responses->size(), 2u);
  EXPECT_TRUE((*responses)[0].drill);
  EXPECT_FALSE((*responses)[1].drill);
  EXPECT_EQ((*responses)[1].incident_id, real.id);
  auto steps = drills.ListStepOutcomes(0, 10);
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  EXPECT_TRUE(steps->empty());
  EXPECT_TRUE(drills.ListDrills(5000, 10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, RunbookHistoryContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
