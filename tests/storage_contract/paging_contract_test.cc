#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "storage/database.h"
#include "storage/sql_escalation_timer_store.h"
#include "storage/sql_incident_store.h"
#include "storage/sql_outbox.h"
#include "storage/sql_page_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

class PagingContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
  }
  void TearDown() override {
    db_.reset();
    fixture_.reset();
  }

  Status InTransaction(const std::function<Status(SqlConnection&)>& work) {
    return db_->RunWrite([&](SqlConnection& conn) -> Status {
      SqlTransaction txn(conn);
      VAKT_RETURN_IF_ERROR(txn.begin_status());
      VAKT_RETURN_IF_ERROR(work(conn));
      return txn.Commit();
    });
  }

  Result<bool> Arm(std::int64_t incident, TimeMs due_at) {
    Result<bool> armed = false;
    Status status = InTransaction([&](SqlConnection& conn) -> Status {
      armed = ArmEscalationTimer(conn, incident, "p1", "{}", due_at, 0);
      return armed.status();
    });
    if (!status.ok()) return status;
    return armed;
  }

  Incident OpenIncident() {
    SqlIncidentStore store(*db_);
    Incident draft;
    draft.title = "drift";
    draft.severity = "critical";
    draft.group_key = "g";
    draft.created_at = 1000;
    draft.updated_at = 1000;
    IncidentEvent opened;
    opened.time = 1000;
    opened.kind = "opened";
    opened.to_state = "triggered";
    auto created = store.CreateIncident(draft, {}, opened);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

};

TEST_P(PagingContractTest, ArmingTwiceKeepsTheFirstTimer) {
  EXPECT_TRUE(*Arm(7, 1000));
  EXPECT_FALSE(*Arm(7, 9999));
  auto timers = ListIncidentEscalationTimers(*db_, 7);
  ASSERT_TRUE(timers.ok());
  ASSERT_EQ(timers->size(), 1u);
  EXPECT_EQ(timers->front().due_at, 1000);
  EXPECT_EQ(timers->front().version, 1);
}

TEST_P(PagingContractTest, DueTimerIsClaimedOnceUntilItsLeaseExpires) {
  ASSERT_TRUE(Arm(7, 1000).ok());
  EXPECT_TRUE(ClaimDueEscalationTimers(*db_, "a", 999, 10000, 10)->empty());
  ASSERT_EQ(ClaimDueEscalationTimers(*db_, "a", 1000, 10000, 10)->size(), 1u);
  EXPECT_TRUE(ClaimDueEscalationTimers(*db_, "b", 10999, 10000, 10)->empty());
  auto reclaimed = ClaimDueEscalationTimers(*db_, "b", 11000, 10000, 10);
  ASSERT_EQ(reclaimed->size(), 1u);
  EXPECT_EQ(reclaimed->front().lease_owner, "b");
}

TEST_P(PagingContractTest, SaveWithAStaleVersionFailsAndChangesNothing) {
  ASSERT_TRUE(Arm(7, 1000).ok());
  auto claimed = ClaimDueEscalationTimers(*db_, "a", 1000, 10000, 10);
  ASSERT_EQ(claimed->size(), 1u);
  EscalationTimer next = claimed->front();
  next.state = R"({"level":1})";
  next.due_at = 5000;
  ASSERT_TRUE(InTransaction([&](SqlConnection& conn) { return SaveEscalationTimer(conn, next, 1000); }).ok());
  // A second holder of the old version (e.g. an instance whose lease expired) loses.
  EscalationTimer stale = claimed->front();
  stale.due_at = 2000;
  Status lost = InTransaction([&](SqlConnection& conn) { return SaveEscalationTimer(conn, stale, 1000); });
  EXPECT_EQ(lost.code(), StatusCode::kFailedPrecondition);
  auto stored = ListIncidentEscalationTimers(*db_, 7);
  EXPECT_EQ(stored->front().due_at, 5000);
  EXPECT_EQ(stored->front().version, 2);
  EXPECT_EQ(stored->front().lease_owner, "");
}

TEST_P(PagingContractTest, PageKeyIsUniqueAndDeliveryIsRecordedFromTheOutbox) {
  PageRecord page;
  page.incident_id = 7;
  page.policy_id = "p1";
  page.level = 1;
  page.user_id = "ingrid";
  page.target = "schedule:primary";
  page.channel = "webhook";
  page.idempotency_key = "esc:7:p1:L1:R0:ingrid";
  page.enqueued_at = 1000;
  OutboxMessage message;
  message.idempotency_key = page.idempotency_key + ":webhook";
  message.channel = "webhook";
  message.target = "http://127.0.0.1:9/";
  message.incident_id = 7;
  message.page_key = page.idempotency_key;
  ASSERT_TRUE(InTransaction([&](SqlConnection& conn) -> Status {
                VAKT_ASSIGN_OR_RETURN(bool inserted, InsertPage(conn, page));
                EXPECT_TRUE(inserted);
                VAKT_ASSIGN_OR_RETURN(bool again, InsertPage(conn, page));
                EXPECT_FALSE(again);
                return EnqueueNotification(conn, message, 1000).status();
              }).ok());
  auto claimed = ClaimDueNotifications(*db_, "w", 1000, 10000, 10);
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(MarkNotificationSent(*db_, claimed->front().id, "w", 1500).ok());
  auto pages = ListIncidentPages(*db_, 7);
  ASSERT_TRUE(pages.ok());
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ(pages->front().delivered_at, 1500);
  EXPECT_FALSE(pages->front().acked_at.has_value());
  ASSERT_TRUE(InTransaction([&](SqlConnection& conn) {
                return MarkIncidentPagesAcked(conn, 7, 2000).status();
              }).ok());
  EXPECT_EQ(ListIncidentPages(*db_, 7)->front().acked_at, 2000);
}

TEST_P(PagingContractTest, AcknowledgedIncidentsArmedTimersAreListedForStopping) {
  Incident incident = OpenIncident();
  ASSERT_TRUE(Arm(incident.id, 5000).ok());
  EXPECT_TRUE(ListArmedTimersOfStoppedIncidents(*db_, 10)->empty());
  SqlIncidentStore store(*db_);
  Incident acked = incident;
  acked.state = IncidentState::kAcknowledged;
  acked.acknowledged_at = 2000;
  IncidentEvent event;
  event.incident_id = incident.id;
  event.time = 2000;
  event.kind = "acknowledged";
  ASSERT_TRUE(store.UpdateIncident(acked, incident.version, event).ok());
  auto stopped = ListArmedTimersOfStoppedIncidents(*db_, 10);
  ASSERT_TRUE(stopped.ok());
  ASSERT_EQ(stopped->size(), 1u);
  EXPECT_EQ(stopped->front().incident_id, incident.id);
}

TEST_P(PagingContractTest, TwoSchedulersNeverClaimTheSameTimer) {
  constexpr int kTimers = 40;
  for (int n = 0; n < kTimers; ++n) ASSERT_TRUE(Arm(100 + n, 1000).ok());
  std::unique_ptr<Database> second;
  Database* other = db_.get();
  if (GetParam() == "postgres") {
    auto opened = OpenDatabase(fixture_->url());
    ASSERT_TRUE(opened.ok());
    second = std::move(*opened);
    other = second.get();
  }
  std::vector<std::int64_t> claimed_a, claimed_b;
  auto claim_all = [](Database* db, const std::string& owner, std::vector<std::int64_t>* out) {
    for (int round = 0; round < 100; ++round) {
      auto rows = ClaimDueEscalationTimers(*db, owner, 1000, 600000, 2);
      if (!rows.ok()) continue;
      for (const EscalationTimer& timer : *rows) out->push_back(timer.id);
    }
  };
  std::thread a(claim_all, db_.get(), "a", &claimed_a);
  std::thread b(claim_all, other, "b", &claimed_b);
  a.join();
  b.join();
  std::set<std::int64_t> all(claimed_a.begin(), claimed_a.end());
  for (std::int64_t id : claimed_b) EXPECT_TRUE(all.insert(id).second) << "timer " << id;
  EXPECT_EQ(all.size(), static_cast<size_t>(kTimers));
}

INSTANTIATE_TEST_SUITE_P(Engines, PagingContractTest, ::testing::ValuesIn(ContractEngines()));

}  // namespace
}  // namespace vakt::storage
