#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/sql_oncall_people_store.h"
#include "storage/sql_outbox.h"
#include "storage/write_transaction.h"
#include "storage_contract/engine_fixture.h"

// Issue 5 on both engines: users and teams defined through the API (schema v11), and the
// per-attempt delivery records, per-channel claims and the fallback message of the outbox.
namespace vakt::storage {
namespace {

class OncallPeopleContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<SqlOncallPeopleStore>(*db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    fixture_.reset();
  }

  std::int64_t AuditRows(const std::string& subject, const std::string& action) {
    std::int64_t count = -1;
    EXPECT_TRUE(db_->RunRead([&](SqlConnection& conn) -> Status {
                     VAKT_ASSIGN_OR_RETURN(
                         SqlRows rows,
                         conn.Query("SELECT COUNT(*) FROM audit_leaves WHERE subject = $1 AND "
                                    "action = $2",
                                    {subject, action}));
                     count = rows[0].Int(0);
                     return Status::Ok();
                   })
                    .ok());
    return count;
  }

  OutboxMessage Message(const std::string& key, const std::string& channel) {
    OutboxMessage message;
    message.idempotency_key = key;
    message.channel = channel;
    message.target = channel == "email" ? "alice@example.com" : "http://127.0.0.1:9/" + channel;
    message.subject = "INC-7 page";
    message.payload = R"({"text":"page"})";
    message.incident_id = 7;
    return message;
  }

  void Enqueue(const OutboxMessage& message, TimeMs now) {
    ASSERT_TRUE(RunInWriteTransaction(*db_, [&](SqlConnection& conn) {
                  return EnqueueNotification(conn, message, now).status();
                }).ok());
  }

  std::unique_ptr<SqlOncallPeopleStore> store_;
};

TEST_P(OncallPeopleContractTest, PutListAndReplaceAUserWithVersionAuthorAndAuditRecord) {
  auto first = store_->Put(OncallPersonKind::kUser, "alice", R"({"id":"alice"})", std::nullopt,
                           "token:admin", 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 1);
  auto second = store_->Put(OncallPersonKind::kUser, "alice", R"({"id":"alice","name":"A"})", 1,
                            "token:ops", 2000);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 2);
  auto users = store_->List(OncallPersonKind::kUser);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ(users->at(0).document, R"({"id":"alice","name":"A"})");
  EXPECT_EQ(users->at(0).version, 2);
  EXPECT_EQ(users->at(0).updated_by, "token:ops");
  EXPECT_EQ(users->at(0).updated_at, 2000);
  EXPECT_EQ(AuditRows("user/alice", "user.put"), 2);
}

TEST_P(OncallPeopleContractTest, UsersAndTeamsOfTheSameIdAreSeparateEntries) {
  ASSERT_TRUE(store_->Put(OncallPersonKind::kUser, "ml", "u", std::nullopt, "a", 1).ok());
  ASSERT_TRUE(store_->Put(OncallPersonKind::kTeam, "ml", "t", std::nullopt, "a", 1).ok());
  EXPECT_EQ(store_->List(OncallPersonKind::kUser)->at(0).document, "u");
  EXPECT_EQ(store_->List(OncallPersonKind::kTeam)->at(0).document, "t");
  ASSERT_TRUE(store_->Delete(OncallPersonKind::kTeam, "ml", "a", 2).ok());
  EXPECT_EQ(store_->List(OncallPersonKind::kUser)->size(), 1u);
  EXPECT_TRUE(store_->List(OncallPersonKind::kTeam)->empty());
  EXPECT_EQ(AuditRows("team/ml", "team.delete"), 1);
}

TEST_P(OncallPeopleContractTest, StaleVersionIsRefusedAndLeavesNoAuditRecord) {
  ASSERT_TRUE(store_->Put(OncallPersonKind::kTeam, "ops", "a", std::nullopt, "u", 1).ok());
  auto must_be_new = store_->Put(OncallPersonKind::kTeam, "ops", "b", 0, "u", 2);
  EXPECT_EQ(must_be_new.status().code(), StatusCode::kFailedPrecondition);
  auto stale = store_->Put(OncallPersonKind::kTeam, "ops", "b", 5, "u", 2);
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->List(OncallPersonKind::kTeam)->at(0).document, "a");
  EXPECT_EQ(AuditRows("team/ops", "team.put"), 1);
}

TEST_P(OncallPeopleContractTest, DeletingWhatTheApiNeverDefinedIsNotFound) {
  EXPECT_EQ(store_->Delete(OncallPersonKind::kUser, "ghost", "u", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(AuditRows("user/ghost", "user.delete"), 0);
}

TEST_P(OncallPeopleContractTest, ALaneClaimsOnlyItsChannelsAndTheOthersLaneTheRest) {
  Enqueue(Message("w", "webhook"), 1000);
  Enqueue(Message("s", "slack"), 1000);
  Enqueue(Message("e", "email"), 1000);
  Enqueue(Message("d", "drill"), 1000);
  OutboxLane slack{{"slack"}, false};
  auto claimed = ClaimDueNotifications(*db_, "a", 1000, 30000, 10, &slack);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->at(0).message.idempotency_key, "s");
  OutboxLane others{{"webhook", "slack", "email"}, true};
  claimed = ClaimDueNotifications(*db_, "a", 1000, 30000, 10, &others);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->at(0).message.idempotency_key, "d");
  claimed = ClaimDueNotifications(*db_, "a", 1000, 30000, 10);
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->size(), 2u);  // webhook and email; slack and drill are leased
}

TEST_P(OncallPeopleContractTest, EveryAttemptIsRecordedAndTheLastFailureEnqueuesTheFallback) {
  Enqueue(Message("page-1:0:webhook", "webhook"), 1000);
  OutboxRetryPolicy policy;
  policy.max_attempts = 2;
  auto claimed = ClaimDueNotifications(*db_, "a", 1000, 30000, 10);
  ASSERT_EQ(claimed->size(), 1u);
  const std::int64_t id = claimed->at(0).id;
  AttemptOutcome first;
  first.started_at = 1000;
  first.retry_after = 1234;  // the worker's jittered wait, not BackoffAfter's 1000
  auto state = MarkNotificationFailed(*db_, id, "a", "HTTP 503", 1100, policy, first);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state, OutboxState::kPending);
  EXPECT_TRUE(ClaimDueNotifications(*db_, "a", 1100 + 1233, 30000, 10)->empty());
  ASSERT_EQ(ClaimDueNotifications(*db_, "a", 1100 + 1234, 30000, 10)->size(), 1u);
  AttemptOutcome last;
  last.started_at = 2400;
  OutboxMessage fallback = Message("page-1:0:webhook:fallback", "email");
  last.fallback = fallback;
  state = MarkNotificationFailed(*db_, id, "a", "HTTP 503 again", 2500, policy, last);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state, OutboxState::kFailed);

  auto attempts = ListIncidentNotificationAttempts(*db_, 7);
  ASSERT_TRUE(attempts.ok()) << attempts.status().ToString();
  ASSERT_EQ(attempts->size(), 2u);
  EXPECT_EQ(attempts->at(0).attempt, 1);
  EXPECT_EQ(attempts->at(0).result, "retry");
  EXPECT_EQ(attempts->at(0).error, "HTTP 503");
  EXPECT_EQ(attempts->at(0).started_at, 1000);
  EXPECT_EQ(attempts->at(0).finished_at, 1100);
  EXPECT_EQ(attempts->at(0).channel, "webhook");
  EXPECT_EQ(attempts->at(0).recipient, "http://127.0.0.1:9/webhook");
  EXPECT_EQ(attempts->at(1).attempt, 2);
  EXPECT_EQ(attempts->at(1).result, "failed");

  auto fallback_row = GetNotificationByKey(*db_, "page-1:0:webhook:fallback");
  ASSERT_TRUE(fallback_row.ok()) << fallback_row.status().ToString();
  EXPECT_EQ(fallback_row->message.channel, "email");
  EXPECT_EQ(fallback_row->state, OutboxState::kPending);
  auto sent = ClaimDueNotifications(*db_, "a", 2500, 30000, 10);
  ASSERT_EQ(sent->size(), 1u);
  ASSERT_TRUE(MarkNotificationSent(*db_, sent->at(0).id, "a", 2600).ok());
  attempts = ListIncidentNotificationAttempts(*db_, 7);
  ASSERT_EQ(attempts->size(), 3u);
  EXPECT_EQ(attempts->at(2).result, "sent");
  EXPECT_EQ(attempts->at(2).channel, "email");
  EXPECT_EQ(attempts->at(2).recipient, "alice@example.com");
}

INSTANTIATE_TEST_SUITE_P(Engines, OncallPeopleContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
