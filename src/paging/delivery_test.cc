// Delivery lanes, jittered retries, fallback channel and API-defined people (issue 5), on SQLite
// and PostgreSQL (when VAKT_TEST_POSTGRES_URL is set), with real HTTP receivers on 127.0.0.1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "notify/testing/recording_http_server.h"
#include "paging/delivery_worker.h"
#include "paging/paging_service.h"
#include "storage/sql_incident_store.h"
#include "storage/sql_outbox.h"
#include "storage/write_transaction.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::paging {
namespace {

using notify::testing::RecordingHttpServer;

constexpr TimeMs kStart = 1'772'452'800'000;  // 2026-03-02T12:00:00Z
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class DeliveryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hooks_.started());
    fixture_ = std::make_unique<storage::ContractDatabase>(GetParam());
    auto db = storage::OpenDatabase(fixture_->url());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    dir_ = std::filesystem::temp_directory_path() /
           ("vakt-delivery-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    // alice is reached by webhook only (her rule), but has an e-mail address for the fallback.
    std::ofstream(dir_ / "oncall.yaml")
        << "users:\n"
           "  - id: alice\n"
           "    contact: {webhook: \"" +
               hooks_.Url("/alice") +
               "\", email: alice@example.com}\n"
               "    notification_rules: [{after: 0s, via: webhook}]\n"
               "  - {id: bob, contact: {webhook: \"" +
               hooks_.Url("/bob") +
               "\"}}\n"
               "schedules:\n"
               "  - id: primary\n"
               "    time_zone: UTC\n"
               "    layers:\n"
               "      - {users: [alice], rotation_virtual_start: \"2026-03-02T09:00\", turn: "
               "weekly}\n"
               "escalation_policies:\n"
               "  - id: ml-primary\n"
               "    levels:\n"
               "      - {targets: [schedule:primary], delay: 10m}\n";
  }
  void TearDown() override {
    db_.reset();
    fixture_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<PagingService> Service(PagingOptions options = {}) {
    options.oncall_path = (dir_ / "oncall.yaml").string();
    options.templates_dir = (dir_ / "templates").string();
    options.webhook_secret = kSecret;
    options.owner = "a";
    options.poll_interval_ms = 50;
    auto service = PagingService::Create(
        *db_, clock_,
        [](const std::string& runbook) { return runbook == "rb" ? "ml-primary" : ""; }, options);
    EXPECT_TRUE(service.ok()) << service.status().ToString();
    return service.ok() ? std::move(*service) : nullptr;
  }

  Incident OpenIncident() {
    storage::SqlIncidentStore store(*db_);
    Incident draft;
    draft.title = "Feature drift";
    draft.severity = "critical";
    draft.group_key = "g1";
    draft.runbook_id = "rb";
    draft.created_at = clock_.NowMs();
    draft.updated_at = clock_.NowMs();
    IncidentEvent opened;
    opened.time = clock_.NowMs();
    opened.kind = "opened";
    opened.to_state = "triggered";
    auto created = store.CreateIncident(draft, {}, opened);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  void Enqueue(const std::string& key, const std::string& channel, const std::string& target) {
    storage::OutboxMessage message;
    message.idempotency_key = key;
    message.channel = channel;
    message.target = target;
    message.subject = "notice";
    message.payload = R"({"text":"notice"})";
    message.incident_id = 1;
    ASSERT_TRUE(storage::RunInWriteTransaction(*db_, [&](storage::SqlConnection& conn) {
                  return storage::EnqueueNotification(conn, message, clock_.NowMs()).status();
                }).ok());
  }

  FakeClock clock_{kStart};
  RecordingHttpServer hooks_;
  std::unique_ptr<storage::ContractDatabase> fixture_;
  std::unique_ptr<storage::Database> db_;
  std::filesystem::path dir_;
};

TEST_P(DeliveryTest, AHangingWebhookReceiverDoesNotDelayASlackMessage) {
  RecordingHttpServer slow;
  RecordingHttpServer slack;
  ASSERT_TRUE(slow.started() && slack.started());
  slow.SetDefaultReply({200, "ok", {}, 4000});  // answers only after 4 s
  auto service = Service();
  // The webhook is first in the outbox, so one shared queue would send it first and wait.
  Enqueue("hook", "webhook", slow.Url("/hang"));
  Enqueue("chat", "slack", slack.Url("/services/T/B/x"));
  const auto started = std::chrono::steady_clock::now();
  service->Start();
  service->Wake();
  while (slack.requests().empty() &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto slack_after = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(slack.requests().size(), 1u);
  EXPECT_LT(slack_after, std::chrono::milliseconds(2000)) << "Slack waited for the webhook";
  // The webhook, first in the outbox, is not delivered yet: its receiver is still answering.
  EXPECT_NE(storage::GetNotificationByKey(*db_, "hook")->state, storage::OutboxState::kSent);
  service->Stop();                        // waits for the slow answer
  auto hook = storage::GetNotificationByKey(*db_, "hook");
  ASSERT_TRUE(hook.ok());
  EXPECT_EQ(hook->state, storage::OutboxState::kSent);
  EXPECT_EQ(storage::GetNotificationByKey(*db_, "chat")->state, storage::OutboxState::kSent);
}

TEST_P(DeliveryTest, APageThatFailsForGoodFallsBackToThePagedUsersEmailOnce) {
  hooks_.SetDefaultReply({410, "gone"});  // permanent: no retries
  PagingOptions options;
  options.fallback_channel = "email";
  auto service = Service(options);
  Incident incident = OpenIncident();
  ASSERT_TRUE(service->RunEscalationPass().ok());
  auto counts = service->RunDeliveryPass();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->failed, 1);
  auto rows = storage::ListIncidentNotifications(*db_, incident.id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->at(0).message.channel, "webhook");
  EXPECT_EQ(rows->at(0).state, storage::OutboxState::kFailed);
  EXPECT_EQ(rows->at(1).message.channel, "email");
  EXPECT_EQ(rows->at(1).message.target, "alice@example.com");
  EXPECT_EQ(rows->at(1).message.idempotency_key,
            rows->at(0).message.idempotency_key + kFallbackSuffix);
  EXPECT_EQ(rows->at(1).message.page_key, rows->at(0).message.page_key);
  // No SMTP is configured, so the fallback fails too, and does not fall back again.
  ASSERT_TRUE(service->RunDeliveryPass().ok());
  rows = storage::ListIncidentNotifications(*db_, incident.id);
  EXPECT_EQ(rows->size(), 2u);
  auto attempts = storage::ListIncidentNotificationAttempts(*db_, incident.id);
  ASSERT_TRUE(attempts.ok()) << attempts.status().ToString();
  ASSERT_EQ(attempts->size(), 2u);
  EXPECT_EQ(attempts->at(0).recipient, "user:alice");
  EXPECT_EQ(attempts->at(0).channel, "webhook");
  EXPECT_EQ(attempts->at(0).result, "failed");
  EXPECT_NE(attempts->at(0).error.find("410"), std::string::npos) << attempts->at(0).error;
  EXPECT_EQ(attempts->at(1).channel, "email");
}

TEST_P(DeliveryTest, AnUnavailableReceiverIsRetriedAfterAJitteredBackoffWithARecordPerAttempt) {
  hooks_.EnqueueReply({503, "busy"});
  auto service = Service();
  Incident incident = OpenIncident();
  ASSERT_TRUE(service->RunEscalationPass().ok());
  EXPECT_EQ(service->RunDeliveryPass()->retrying, 1);
  auto rows = storage::ListIncidentNotifications(*db_, incident.id);
  const TimeMs wait = rows->at(0).next_attempt_at - clock_.NowMs();
  storage::OutboxRetryPolicy policy;  // the service's default
  EXPECT_GE(wait, storage::BackoffAfter(1, policy) / 2);
  EXPECT_LE(wait, storage::BackoffAfter(1, policy));
  clock_.Advance(wait);
  EXPECT_EQ(service->RunDeliveryPass()->sent, 1);
  auto attempts = storage::ListIncidentNotificationAttempts(*db_, incident.id);
  ASSERT_EQ(attempts->size(), 2u);
  EXPECT_EQ(attempts->at(0).result, "retry");
  EXPECT_EQ(attempts->at(1).result, "sent");
  EXPECT_EQ(attempts->at(1).attempt, 2);
}

TEST_P(DeliveryTest, AnApiDefinedUserReplacesTheFileUserAndIsPagedAtTheNewAddress) {
  auto service = Service();
  auto version = service->people().PutUser(
      "alice",
      R"({"name": "Alice N.", "contact": {"webhook": ")" + hooks_.Url("/alice-new") + R"("}})",
      std::nullopt, "token:admin");
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(service->oncall().Get()->directory.FindUser("alice")->name, "Alice N.");
  OpenIncident();
  ASSERT_TRUE(service->RunEscalationPass().ok());
  ASSERT_TRUE(service->RunDeliveryPass().ok());
  auto requests = hooks_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/alice-new");
  // Deleting the API entry lets the file's alice serve again.
  ASSERT_TRUE(service->people().DeleteUser("alice", "token:admin").ok());
  EXPECT_EQ(service->oncall().Get()->directory.FindUser("alice")->name, "alice");
}

TEST_P(DeliveryTest, PeopleDocumentsAreValidatedLikeTheOncallFile) {
  auto service = Service();
  People& people = service->people();
  auto unknown_key =
      people.PutUser("carol", R"({"contact": {"email": "c@x.io"}, "pager": 1})", std::nullopt, "a");
  EXPECT_EQ(unknown_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown_key.status().message().find("pager"), std::string::npos);
  auto bad_mail = people.PutUser("carol", R"({"contact": {"email": "nobody"}})", std::nullopt, "a");
  EXPECT_NE(bad_mail.status().message().find("contact.email"), std::string::npos)
      << bad_mail.status().ToString();
  auto rule = people.PutUser("carol",
                             R"({"contact": {"email": "c@x.io"},
                                 "notification_rules": [{"after": "5m", "via": "slack"}]})",
                             std::nullopt, "a");
  EXPECT_EQ(rule.status().code(), StatusCode::kInvalidArgument);
  auto other_id = people.PutUser("carol", R"({"id": "dave", "contact": {"email": "d@x.io"}})",
                                 std::nullopt, "a");
  EXPECT_NE(other_id.status().message().find("does not match"), std::string::npos);
  ASSERT_TRUE(
      people.PutUser("carol", R"({"contact": {"email": "c@x.io"}})", std::nullopt, "a").ok());
  auto ghost = people.PutTeam("ops", R"({"members": ["carol", "ghost"]})", std::nullopt, "a");
  EXPECT_EQ(ghost.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ghost.status().message().find("members[1]"), std::string::npos);
  ASSERT_TRUE(people.PutTeam("ops", R"({"members": ["carol", "bob"]})", std::nullopt, "a").ok());
  EXPECT_EQ(service->oncall().Get()->directory.FindTeam("ops")->members.size(), 2u);
  // carol exists only through the API and team ops names her: deleting her would dangle.
  EXPECT_EQ(people.DeleteUser("carol", "a").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(people.DeleteTeam("ops", "a").ok());
  ASSERT_TRUE(people.DeleteUser("carol", "a").ok());
  EXPECT_EQ(service->oncall().Get()->directory.FindUser("carol"), nullptr);
  EXPECT_EQ(people.DeleteUser("carol", "a").code(), StatusCode::kNotFound);
}

TEST(RetryWaitTest, IsHalfTheBackoffPlusAJitterDrawCappedAtTheOtherHalf) {
  storage::OutboxRetryPolicy policy;
  policy.base_backoff = 1000;
  policy.max_backoff = 8000;
  auto none = [](TimeMs) -> TimeMs { return 0; };
  auto all = [](TimeMs upper) -> TimeMs { return upper; };
  auto too_much = [](TimeMs upper) -> TimeMs { return upper * 10; };
  EXPECT_EQ(RetryWait(1, policy, none), 500);
  EXPECT_EQ(RetryWait(1, policy, all), 1000);
  EXPECT_EQ(RetryWait(3, policy, none), 2000);
  EXPECT_EQ(RetryWait(3, policy, all), 4000);
  EXPECT_EQ(RetryWait(30, policy, too_much), 8000);
  // The real source spreads waits out rather than returning one value.
  std::set<TimeMs> seen;
  for (int draw = 0; draw < 50; ++draw) seen.insert(RetryWait(5, policy, notify::RandomJitter()));
  EXPECT_GT(seen.size(), 10u);
  for (TimeMs wait : seen) {
    EXPECT_GE(wait, 4000);
    EXPECT_LE(wait, 8000);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, DeliveryTest, ::testing::ValuesIn(storage::ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::paging
