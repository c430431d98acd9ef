#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "storage/database.h"
#include "storage/sql_outbox.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

class OutboxContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
  }
  void TearDown() override {
    db_.reset();
    fixture_.reset();
  }

  OutboxMessage Message(const std::string& key) {
    OutboxMessage message;
    message.idempotency_key = key;
    message.channel = "webhook";
    message.target = "http://127.0.0.1:9/hook";
    message.subject = "INC-1 opened";
    message.payload = R"({"incident":"INC-1"})";
    message.incident_id = 1;
    return message;
  }

  Result<bool> Enqueue(const OutboxMessage& message, TimeMs now) {
    Result<bool> inserted = false;
    Status status = db_->RunWrite([&](SqlConnection& conn) -> Status {
      SqlTransaction txn(conn);
      VAKT_RETURN_IF_ERROR(txn.begin_status());
      inserted = EnqueueNotification(conn, message, now);
      if (!inserted.ok()) return inserted.status();
      return txn.Commit();
    });
    if (!status.ok()) return status;
    return inserted;
  }

};

TEST_P(OutboxContractTest, EnqueueIsIdempotentOnTheKey) {
  auto first = Enqueue(Message("k1"), 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  OutboxMessage again = Message("k1");
  again.payload = "different";
  auto second = Enqueue(again, 2000);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(*second);
  auto rows = ListIncidentNotifications(*db_, 1);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().message.payload, R"({"incident":"INC-1"})");
  EXPECT_EQ(rows->front().state, OutboxState::kPending);
  EXPECT_EQ(rows->front().created_at, 1000);
}

TEST_P(OutboxContractTest, EnqueueRollsBackWithTheCallersTransaction) {
  Status status = db_->RunWrite([&](SqlConnection& conn) -> Status {
    SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_ASSIGN_OR_RETURN(bool inserted, EnqueueNotification(conn, Message("k1"), 1000));
    EXPECT_TRUE(inserted);
    return Status::Internal("caller fails after enqueue");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(GetNotificationByKey(*db_, "k1").status().code(), StatusCode::kNotFound);
}

TEST_P(OutboxContractTest, EnqueueRejectsAnEmptyKey) {
  EXPECT_EQ(Enqueue(Message(""), 1000).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(OutboxContractTest, ClaimLeasesDueRowsOnlyOnce) {
  ASSERT_TRUE(Enqueue(Message("k1"), 1000).ok());
  ASSERT_TRUE(Enqueue(Message("k2"), 5000).ok());
  auto claimed = ClaimDueNotifications(*db_, "a", 1000, 30000, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 1u);  // k2 is not due until 5000
  EXPECT_EQ(claimed->front().message.idempotency_key, "k1");
  EXPECT_EQ(claimed->front().attempts, 1);
  auto again = ClaimDueNotifications(*db_, "b", 6000, 30000, 10);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u);  // k1 is leased to "a"
  EXPECT_EQ(again->front().message.idempotency_key, "k2");
}

TEST_P(OutboxContractTest, ExpiredLeaseIsClaimableAgain) {
  ASSERT_TRUE(Enqueue(Message("k1"), 1000).ok());
  ASSERT_EQ(ClaimDueNotifications(*db_, "a", 1000, 30000, 10)->size(), 1u);
  EXPECT_TRUE(ClaimDueNotifications(*db_, "b", 30999, 30000, 10)->empty());
  auto reclaimed = ClaimDueNotifications(*db_, "b", 31000, 30000, 10);
  ASSERT_TRUE(reclaimed.ok());
  ASSERT_EQ(reclaimed->size(), 1u);
  EXPECT_EQ(reclaimed->front().lease_owner, "b");
  EXPECT_EQ(reclaimed->front().attempts, 2);
  // The first holder lost its lease: it can no longer mark the row.
  EXPECT_EQ(MarkNotificationSent(*db_, reclaimed->front().id, "a", 32000).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(MarkNotificationSent(*db_, reclaimed->front().id, "b", 32000).ok());
  auto row = GetNotificationByKey(*db_, "k1");
  EXPECT_EQ(row->state, OutboxState::kSent);
  EXPECT_EQ(row->sent_at, 32000);
}

TEST_P(OutboxContractTest, SentRowIsNeverClaimedAgain) {
  ASSERT_TRUE(Enqueue(Message("k1"), 1000).ok());
  auto claimed = ClaimDueNotifications(*db_, "a", 1000, 30000, 10);
  ASSERT_TRUE(MarkNotificationSent(*db_, claimed->front().id, "a", 1100).ok());
  EXPECT_TRUE(ClaimDueNotifications(*db_, "a", 10'000'000, 30000, 10)->empty());
}

TEST_P(OutboxContractTest, FailedAttemptWaitsExponentialBackoffThenFailsForGood) {
  OutboxRetryPolicy policy{.max_attempts = 3, .base_backoff = 1000, .max_backoff = 60000};
  ASSERT_TRUE(Enqueue(Message("k1"), 0).ok());
  TimeMs now = 0;
  auto claimed = ClaimDueNotifications(*db_, "a", now, 30000, 10);
  ASSERT_EQ(claimed->size(), 1u);
  std::int64_t id = claimed->front().id;
  EXPECT_EQ(*MarkNotificationFailed(*db_, id, "a", "HTTP 500", now, policy), OutboxState::kPending);
  // First failure: due again after 1 s, not before.
  EXPECT_TRUE(ClaimDueNotifications(*db_, "a", now + 999, 30000, 10)->empty());
  now += 1000;
  ASSERT_EQ(ClaimDueNotifications(*db_, "a", now, 30000, 10)->size(), 1u);
  EXPECT_EQ(*MarkNotificationFailed(*db_, id, "a", "HTTP 500", now, policy), OutboxState::kPending);
  // Second failure: 2 s.
  EXPECT_TRUE(ClaimDueNotifications(*db_, "a", now + 1999, 30000, 10)->empty());
  now += 2000;
  ASSERT_EQ(ClaimDueNotifications(*db_, "a", now, 30000, 10)->size(), 1u);
  EXPECT_EQ(*MarkNotificationFailed(*db_, id, "a", "HTTP 503", now, policy), OutboxState::kFailed);
  EXPECT_TRUE(ClaimDueNotifications(*db_, "a", now + 3'600'000, 30000, 10)->empty());
  auto row = GetNotificationByKey(*db_, "k1");
  EXPECT_EQ(row->state, OutboxState::kFailed);
  EXPECT_EQ(row->attempts, 3);
  EXPECT_EQ(row->last_error, "HTTP 503");
}

TEST_P(OutboxContractTest, BackoffDoublesAndIsCapped) {
  OutboxRetryPolicy policy{.max_attempts = 10, .base_backoff = 1000, .max_backoff = 5000};
  EXPECT_EQ(BackoffAfter(1, policy), 1000);
  EXPECT_EQ(BackoffAfter(2, policy), 2000);
  EXPECT_EQ(BackoffAfter(3, policy), 4000);
  EXPECT_EQ(BackoffAfter(4, policy), 5000);
  EXPECT_EQ(BackoffAfter(60, policy), 5000);
}

// Two claimers race over the same rows: every row is claimed exactly once. On PostgreSQL each
// claimer has its own Database (two vakt instances); on SQLite both share one, as two threads
// of one instance do.
TEST_P(OutboxContractTest, TwoClaimersNeverClaimTheSameRow) {
  constexpr int kRows = 60;
  for (int n = 0; n < kRows; ++n) ASSERT_TRUE(Enqueue(Message("k" + std::to_string(n)), 0).ok());
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
    for (int round = 0; round < 200; ++round) {
      auto rows = ClaimDueNotifications(*db, owner, 1000, 600000, 3);
      if (!rows.ok()) continue;  // a serialisation conflict is a lost race, not a claim
      for (const OutboxRow& row : *rows) out->push_back(row.id);
    }
  };
  std::thread a(claim_all, db_.get(), "a", &claimed_a);
  std::thread b(claim_all, other, "b", &claimed_b);
  a.join();
  b.join();
  std::set<std::int64_t> all(claimed_a.begin(), claimed_a.end());
  for (std::int64_t id : claimed_b) EXPECT_TRUE(all.insert(id).second) << "row " << id;
  EXPECT_EQ(all.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(claimed_a.size() + claimed_b.size(), static_cast<size_t>(kRows));
}

INSTANTIATE_TEST_SUITE_P(Engines, OutboxContractTest, ::testing::ValuesIn(ContractEngines()));

}  // namespace
}  // namespace vakt::storage
