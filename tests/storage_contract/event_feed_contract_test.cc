// The console's live feed reads incident events by id (storage/sql_event_feed.h) on both engines.
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/sql_event_feed.h"
#include "storage/sql_incident_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

class EventFeedContractTest : public ContractTest {
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

  Incident Open(const std::string& group_key) {
    Incident draft;
    draft.title = "Feature drift";
    draft.severity = "critical";
    draft.group_key = group_key;
    draft.runbook_id = "fraud-feature-drift";
    draft.created_at = 1000;
    draft.updated_at = 1000;
    IncidentEvent opened;
    opened.time = 1000;
    opened.actor = "vakt";
    opened.kind = "opened";
    opened.to_state = "triggered";
    auto created = store_->CreateIncident(draft, {}, opened);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  void Note(std::int64_t incident_id, const std::string& actor) {
    IncidentEvent note;
    note.incident_id = incident_id;
    note.time = 2000;
    note.actor = actor;
    note.kind = "note";
    note.reason = "looking";
    ASSERT_TRUE(store_->AppendEvent(note).ok());
  }

  std::unique_ptr<SqlIncidentStore> store_;
};

TEST_P(EventFeedContractTest, EmptyDatabaseHasNoEventsAndLatestIdZero) {
  auto latest = LatestEventId(*db_);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(*latest, 0);
  auto events = ReadEventsAfter(*db_, 0, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
}

TEST_P(EventFeedContractTest, ReadsEventsAfterAnIdOldestFirstAcrossIncidents) {
  Incident first = Open("g1");
  Incident second = Open("g2");
  Note(first.id, "alice");
  auto all = ReadEventsAfter(*db_, 0, 10);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_LT(all->at(0).id, all->at(1).id);
  EXPECT_LT(all->at(1).id, all->at(2).id);
  EXPECT_EQ(all->at(0).incident_id, first.id);
  EXPECT_EQ(all->at(0).kind, "opened");
  EXPECT_EQ(all->at(0).to_state, "triggered");
  EXPECT_EQ(all->at(1).incident_id, second.id);
  EXPECT_EQ(all->at(2).kind, "note");
  EXPECT_EQ(all->at(2).actor, "alice");
  EXPECT_EQ(*LatestEventId(*db_), all->back().id);

  auto after_first = ReadEventsAfter(*db_, all->at(0).id, 10);
  ASSERT_TRUE(after_first.ok());
  ASSERT_EQ(after_first->size(), 2u);
  EXPECT_EQ(after_first->front().id, all->at(1).id);
}

TEST_P(EventFeedContractTest, LimitBoundsOneRead) {
  Incident incident = Open("g1");
  for (int idx = 0; idx < 5; ++idx) Note(incident.id, "bob");
  auto page = ReadEventsAfter(*db_, 0, 4);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 4u);
  auto rest = ReadEventsAfter(*db_, page->back().id, 4);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, EventFeedContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
