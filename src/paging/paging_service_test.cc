#include "paging/paging_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "notify/testing/recording_http_server.h"
#include "notify/webhook/standard_webhooks.h"
#include "storage/sql_escalation_timer_store.h"
#include "storage/sql_incident_store.h"
#include "storage/sql_outbox.h"
#include "storage/sql_page_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::paging {
namespace {

using notify::testing::RecordingHttpServer;

constexpr TimeMs kMinute = 60'000;
// 2026-03-02T12:00:00Z: alice is on call in "primary" (daily turns from 09:00 UTC).
constexpr TimeMs kStart = 1'772'452'800'000;
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// Escalation for the tests: level 1 pages whoever is on call in "primary" (alice today), level
// 2 pages bob 10 minutes later; no repeat.
std::string OncallYaml(const std::string& hook_url) {
  return "users:\n"
         "  - {id: alice, name: Alice, contact: {webhook: \"" +
         hook_url +
         "/alice\"}}\n"
         "  - {id: bob, name: Bob, contact: {webhook: \"" +
         hook_url +
         "/bob\"}}\n"
         "teams:\n"
         "  - {id: ops, members: [alice, bob]}\n"
         "schedules:\n"
         "  - id: primary\n"
         "    time_zone: UTC\n"
         "    layers:\n"
         "      - {users: [alice, bob], rotation_virtual_start: \"2026-03-02T09:00\", turn: "
         "weekly}\n"
         "escalation_policies:\n"
         "  - id: ml-primary\n"
         "    repeat: 0\n"
         "    levels:\n"
         "      - {targets: [schedule:primary], delay: 10m}\n"
         "      - {targets: [user:bob], delay: 10m}\n";
}

class PagingServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hooks_.started());
    fixture_ = std::make_unique<storage::ContractDatabase>(GetParam());
    db_ = Open();
    dir_ = std::filesystem::temp_directory_path() /
           ("vakt-paging-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "oncall.yaml") << OncallYaml(hooks_.Url(""));
    std::filesystem::create_directories(dir_ / "templates");
    std::ofstream(dir_ / "templates" / "update.mustache")
        << "Subject: {{reference}} update: {{title}}\n\nState: {{state}}\n";
  }
  void TearDown() override {
    db_.reset();
    fixture_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<storage::Database> Open() {
    auto db = storage::OpenDatabase(fixture_->url());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  std::unique_ptr<PagingService> Service(storage::Database& db, const std::string& owner) {
    PagingOptions options;
    options.oncall_path = (dir_ / "oncall.yaml").string();
    options.templates_dir = (dir_ / "templates").string();
    options.webhook_secret = kSecret;
    options.owner = owner;
    options.retry.base_backoff = 1000;
    auto service = PagingService::Create(
        db, clock_, [](const std::string& runbook) { return runbook == "rb" ? "ml-primary" : ""; },
        options);
    EXPECT_TRUE(service.ok()) << service.status().ToString();
    return service.ok() ? std::move(*service) : nullptr;
  }

  Incident OpenIncident(bool drill = false, const std::vector<std::uint64_t>& fingerprints = {}) {
    storage::SqlIncidentStore store(*db_);
    Incident draft;
    draft.title = "Feature drift";
    draft.severity = "critical";
    draft.group_key = "g" + std::to_string(next_group_++);
    draft.runbook_id = "rb";
    draft.drill = drill;
    draft.created_at = clock_.NowMs();
    draft.updated_at = clock_.NowMs();
    IncidentEvent opened;
    opened.time = clock_.NowMs();
    opened.kind = "opened";
    opened.to_state = "triggered";
    auto created = store.CreateIncident(draft, fingerprints, opened);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  void Acknowledge(const Incident& incident) {
    storage::SqlIncidentStore store(*db_);
    Incident current = *store.GetIncident(incident.id);
    Incident acked = current;
    acked.state = IncidentState::kAcknowledged;
    acked.acknowledged_at = clock_.NowMs();
    IncidentEvent event;
    event.incident_id = incident.id;
    event.time = clock_.NowMs();
    event.actor = "user:alice";
    event.kind = "acknowledged";
    ASSERT_TRUE(store.UpdateIncident(acked, current.version, event).ok());
  }

  // PagedUsers renders the incident's pages as "L<level>:<user>" in order.
  std::vector<std::string> PagedUsers(std::int64_t incident_id) {
    std::vector<std::string> out;
    auto pages = storage::ListIncidentPages(*db_, incident_id);
    EXPECT_TRUE(pages.ok());
    for (const auto& page : *pages) {
      out.push_back("L" + std::to_string(page.level) + ":" + page.user_id);
    }
    return out;
  }

  void Pass(PagingService& service) {
    auto counts = service.RunEscalationPass();
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  }

  FakeClock clock_{kStart};
  RecordingHttpServer hooks_;
  std::unique_ptr<storage::ContractDatabase> fixture_;
  std::unique_ptr<storage::Database> db_;
  std::filesystem::path dir_;
  int next_group_ = 0;
};

TEST_P(PagingServiceTest, EachLevelFiresExactlyOnceOnSchedule) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident();
  Pass(*service);
  Pass(*service);  // the same instant again: nothing new
  EXPECT_EQ(PagedUsers(incident.id), (std::vector<std::string>{"L1:alice"}));
  clock_.Advance(10 * kMinute - 1);
  Pass(*service);
  EXPECT_EQ(PagedUsers(incident.id).size(), 1u);
  clock_.Advance(1);
  Pass(*service);
  Pass(*service);
  EXPECT_EQ(PagedUsers(incident.id), (std::vector<std::string>{"L1:alice", "L2:bob"}));
  clock_.Advance(5 * 60 * kMinute);  // hours later: the policy is exhausted
  Pass(*service);
  EXPECT_EQ(PagedUsers(incident.id).size(), 2u);
  auto timers = storage::ListIncidentEscalationTimers(*db_, incident.id);
  ASSERT_EQ(timers->size(), 1u);
  EXPECT_FALSE(timers->front().due_at.has_value());
}

TEST_P(PagingServiceTest, PagesAreDeliveredAsSignedWebhooksOnce) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident();
  Pass(*service);
  auto delivered = service->RunDeliveryPass();
  ASSERT_TRUE(delivered.ok()) << delivered.status().ToString();
  EXPECT_EQ(delivered->sent, 1);
  EXPECT_EQ(service->RunDeliveryPass()->sent, 0);  // nothing is sent twice
  auto requests = hooks_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/alice");
  auto key = notify::webhook::DecodeWebhookSecret(kSecret);
  ASSERT_TRUE(key.ok());
  notify::webhook::SignedHeaders headers{requests[0].Header("webhook-id"),
                                         requests[0].Header("webhook-timestamp"),
                                         requests[0].Header("webhook-signature")};
  EXPECT_TRUE(notify::webhook::VerifyWebhook(*key, headers, requests[0].body, clock_.NowMs()).ok());
  EXPECT_NE(requests[0].body.find("INC-" + std::to_string(incident.id)), std::string::npos);
  auto pages = storage::ListIncidentPages(*db_, incident.id);
  EXPECT_EQ(pages->front().delivered_at, clock_.NowMs());
}

TEST_P(PagingServiceTest, AcknowledgementStopsTheNextLevel) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident();
  Pass(*service);
  clock_.Advance(3 * kMinute);
  Acknowledge(incident);
  clock_.Advance(7 * kMinute);  // level 2 would be due now
  Pass(*service);
  clock_.Advance(60 * kMinute);
  Pass(*service);
  EXPECT_EQ(PagedUsers(incident.id), (std::vector<std::string>{"L1:alice"}));
  auto pages = storage::ListIncidentPages(*db_, incident.id);
  EXPECT_TRUE(pages->front().acked_at.has_value());
}

TEST_P(PagingServiceTest, RestartContinuesFromTheStoredTimerWithoutDuplicates) {
  Incident incident = OpenIncident();
  {
    auto first = Service(*db_, "first");
    Pass(*first);
  }
  // A new process: new database connection, new service, different lease owner.
  db_ = Open();
  auto second = Service(*db_, "second");
  Pass(*second);
  EXPECT_EQ(PagedUsers(incident.id), (std::vector<std::string>{"L1:alice"}));
  clock_.Advance(2 * 60 * kMinute);  // down for two hours: the overdue level fires once
  Pass(*second);
  Pass(*second);
  EXPECT_EQ(PagedUsers(incident.id), (std::vector<std::string>{"L1:alice", "L2:bob"}));
}

TEST_P(PagingServiceTest, TwoInstancesOnOneDatabaseNeverDoublePage) {
  auto other_db = Open();
  auto a = Service(*db_, "a");
  auto b = Service(*other_db, "b");
  std::vector<Incident> incidents;
  for (int n = 0; n < 5; ++n) incidents.push_back(OpenIncident());
  for (int step = 0; step < 4; ++step) {
    std::thread ta([&] {
      (void)a->RunEscalationPass();
      (void)a->RunDeliveryPass();
    });
    std::thread tb([&] {
      (void)b->RunEscalationPass();
      (void)b->RunDeliveryPass();
    });
    ta.join();
    tb.join();
    clock_.Advance(10 * kMinute);
  }
  for (const Incident& incident : incidents) {
    EXPECT_EQ(PagedUsers(incident.id), (std::vector<std::string>{"L1:alice", "L2:bob"}));
  }
  // Every page message reached the receiver once (webhook-id is the outbox key).
  std::multiset<std::string> ids;
  for (const auto& request : hooks_.requests()) ids.insert(request.Header("webhook-id"));
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), unique.size());
  EXPECT_EQ(unique.size(), 10u);
}

TEST_P(PagingServiceTest, DrillPagesNeverReachRealContacts) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident(/*drill=*/true);
  Pass(*service);
  EXPECT_EQ(service->RunDeliveryPass()->sent, 1);
  EXPECT_TRUE(hooks_.requests().empty());
  auto messages = storage::ListIncidentNotifications(*db_, incident.id);
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ(messages->front().message.channel, "drill");
  EXPECT_EQ(messages->front().state, storage::OutboxState::kSent);
}

TEST_P(PagingServiceTest, FailedDeliveryIsRetriedAfterBackoffAndSentOnce) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident();
  Pass(*service);
  hooks_.EnqueueReply(RecordingHttpServer::Reply(503, "busy"));
  EXPECT_EQ(service->RunDeliveryPass()->retrying, 1);
  EXPECT_EQ(service->RunDeliveryPass()->sent, 0);  // backoff: not due yet
  clock_.Advance(1000);
  EXPECT_EQ(service->RunDeliveryPass()->sent, 1);
  auto requests = hooks_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
  auto row = storage::ListIncidentNotifications(*db_, incident.id);
  EXPECT_EQ(row->front().attempts, 2);
}

TEST_P(PagingServiceTest, UpdateNoticesAreThrottledByGroupInterval) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident();
  NoticeRequest request;
  request.template_name = "update";
  request.to = {"webhook:" + hooks_.Url("/stakeholders")};
  request.actor = "user:alice";
  request.group_interval_ms = 5 * kMinute;
  auto first = service->Notify(incident, request);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->throttled);
  EXPECT_EQ(first->subject, "INC-" + std::to_string(incident.id) + " update: Feature drift");
  clock_.Advance(4 * kMinute);
  auto second = service->Notify(incident, request);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->throttled);
  EXPECT_EQ(second->next_allowed_at, kStart + 5 * kMinute);
  clock_.Advance(kMinute);
  EXPECT_FALSE(service->Notify(incident, request)->throttled);
  EXPECT_EQ(storage::ListIncidentNotifications(*db_, incident.id)->size(), 2u);
}

TEST_P(PagingServiceTest, NoticeRejectsAnUnknownTemplateAndBadRecipients) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident();
  NoticeRequest request;
  request.template_name = "gossip";
  request.to = {"email:risk@example.com"};
  EXPECT_EQ(service->Notify(incident, request).status().code(), StatusCode::kInvalidArgument);
  request.template_name = "update";
  request.to = {"email:risk@example.com\r\nBcc: x@example.com"};
  auto bad = service->Notify(incident, request);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("to[0]"), std::string::npos);
}

TEST_P(PagingServiceTest, ABrokenTemplateStopsTheServiceFromStartingAndNamesTheFile) {
  const std::filesystem::path broken = dir_ / "templates" / "page.slack.mustache";
  std::ofstream(broken) << "Subject: {{reference}}\n{{#drill}}never closed\n";
  PagingOptions options;
  options.oncall_path = (dir_ / "oncall.yaml").string();
  options.templates_dir = (dir_ / "templates").string();
  options.owner = "a";
  auto service = PagingService::Create(
      *db_, clock_, [](const std::string&) { return std::string(); }, options);
  ASSERT_FALSE(service.ok());
  EXPECT_EQ(service.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(service.status().message().find(broken.string()), std::string::npos)
      << service.status().ToString();
}

TEST_P(PagingServiceTest, ApiOverrideChangesWhoIsPagedOnEveryInstance) {
  auto other_db = Open();
  auto a = Service(*db_, "a");
  auto b = Service(*other_db, "b");
  auto id = a->AddOverride("primary", "bob", kStart - kMinute, kStart + 60 * kMinute, "user:lead");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(a->AddOverride("nope", "bob", kStart, kStart + 1, "user:lead").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(a->AddOverride("primary", "bob", kStart, kStart, "user:lead").status().code(),
            StatusCode::kInvalidArgument);
  Incident incident = OpenIncident();
  Pass(*b);  // b never saw the request; it reads the stored override before paging
  EXPECT_EQ(PagedUsers(incident.id), (std::vector<std::string>{"L1:bob"}));
}

// A runbook notify step enqueues one "runbook-notify" message per recipient (stabilise/); the
// delivery worker renders the template and reaches every member of the group.
TEST_P(PagingServiceTest, RunbookNotifyStepReachesEveryGroupMemberOnce) {
  auto service = Service(*db_, "a");
  Incident incident = OpenIncident();
  storage::OutboxMessage step;
  step.idempotency_key = "step:INC-1:tell-ops:run1:group:ops";
  step.channel = "runbook-notify";
  step.target = "group:ops";
  step.subject = "update";
  step.payload = R"({"template":"update"})";
  step.incident_id = incident.id;
  ASSERT_TRUE(db_->RunWrite([&](storage::SqlConnection& conn) -> Status {
                   storage::SqlTransaction txn(conn);
                   VAKT_RETURN_IF_ERROR(txn.begin_status());
                   VAKT_RETURN_IF_ERROR(
                       storage::EnqueueNotification(conn, step, clock_.NowMs()).status());
                   return txn.Commit();
                 })
                  .ok());
  EXPECT_EQ(service->RunDeliveryPass()->sent, 1);  // fanned out
  EXPECT_EQ(service->RunDeliveryPass()->sent, 2);  // alice's and bob's webhooks
  EXPECT_EQ(service->RunDeliveryPass()->sent, 0);
  std::set<std::string> paths;
  for (const auto& request : hooks_.requests()) {
    paths.insert(request.path);
    EXPECT_NE(request.body.find("update: Feature drift"), std::string::npos) << request.body;
  }
  EXPECT_EQ(paths, (std::set<std::string>{"/alice", "/bob"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, PagingServiceTest,
                         ::testing::ValuesIn(storage::ContractEngines()));

// Group updates (Alertmanager's group_interval): alerts that join an open incident are announced
// to the people paged for it, at most once per the runbook's group_interval (5 minutes here).
class GroupUpdateTest : public PagingServiceTest {
 protected:
  std::uint64_t StoreAlert(const std::string& feature, const std::string& summary = "") {
    Alert alert;
    alert.labels = {{"alertname", "FeatureDrift"}, {"feature", feature}};
    if (!summary.empty()) alert.annotations = {{"summary", summary}};
    alert.fingerprint = Fingerprint(alert.labels);
    alert.starts_at = clock_.NowMs();
    alert.updated_at = clock_.NowMs();
    EXPECT_TRUE(db_->alerts().UpsertAlerts({alert}).ok());
    return alert.fingerprint;
  }
  Incident OpenWith(const std::vector<std::uint64_t>& fingerprints) {
    return OpenIncident(/*drill=*/false, fingerprints);
  }
  void Join(const Incident& incident, const std::vector<std::uint64_t>& fingerprints) {
    storage::SqlIncidentStore store(*db_);
    ASSERT_TRUE(store.AttachAlerts(incident.id, fingerprints, clock_.NowMs()).ok());
  }
  int Updates(PagingService& service) {
    auto counts = service.RunGroupUpdatePass();
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? counts->updates : -1;
  }
  std::vector<std::string> UpdateBodies() {
    std::vector<std::string> bodies;
    for (const auto& request : hooks_.requests()) {
      if (request.body.find("incident.alerts_joined") != std::string::npos) {
        bodies.push_back(request.body);
      }
    }
    return bodies;
  }
  int AnnouncedEvents(const Incident& incident) {
    storage::SqlIncidentStore store(*db_);
    auto events = store.ListEvents(incident.id);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    if (!events.ok()) return -1;
    int count = 0;
    for (const auto& event : events.value()) count += event.kind == "alerts_announced";
    return count;
  }
  void DeliverAll(PagingService& service) {
    for (int n = 0; n < 3; ++n) ASSERT_TRUE(service.RunDeliveryPass().ok());
  }
};

TEST_P(GroupUpdateTest, JoinedAlertsAreAnnouncedOncePerGroupInterval) {
  auto service = Service(*db_, "a");
  Incident incident = OpenWith({StoreAlert("amount")});
  Pass(*service);                   // alice is paged at open
  EXPECT_EQ(Updates(*service), 0);  // nothing joined yet
  clock_.Advance(kMinute);
  Join(incident, {StoreAlert("merchant"), StoreAlert("country", "country share moved")});
  EXPECT_EQ(Updates(*service), 0);  // within group_interval of the page
  clock_.Advance(4 * kMinute - 1);
  EXPECT_EQ(Updates(*service), 0);
  clock_.Advance(1);  // five minutes after the incident opened
  EXPECT_EQ(Updates(*service), 1);
  EXPECT_EQ(Updates(*service), 0);  // the batch is announced once
  DeliverAll(*service);
  auto bodies = UpdateBodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_NE(bodies[0].find("2 alerts joined"), std::string::npos) << bodies[0];
  EXPECT_NE(bodies[0].find("merchant"), std::string::npos);
  EXPECT_NE(bodies[0].find("country share moved"), std::string::npos);
  EXPECT_EQ(bodies[0].find("amount"), std::string::npos);  // the opening alert is not news

  clock_.Advance(kMinute);  // a later alert waits a full interval after the last update
  Join(incident, {StoreAlert("device")});
  EXPECT_EQ(Updates(*service), 0);
  clock_.Advance(4 * kMinute);
  EXPECT_EQ(Updates(*service), 1);
  DeliverAll(*service);
  bodies = UpdateBodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_NE(bodies[1].find("device"), std::string::npos);
  EXPECT_EQ(bodies[1].find("merchant"), std::string::npos);
  EXPECT_EQ(AnnouncedEvents(incident), 2);
}

TEST_P(GroupUpdateTest, TwoInstancesAnnounceABatchOnce) {
  auto other_db = Open();
  auto a = Service(*db_, "a");
  auto b = Service(*other_db, "b");
  Incident incident = OpenWith({StoreAlert("amount")});
  Pass(*a);
  clock_.Advance(kMinute);
  Join(incident, {StoreAlert("merchant")});
  clock_.Advance(5 * kMinute);
  int updates_a = 0;
  int updates_b = 0;
  std::thread ta([&] { updates_a = Updates(*a); });
  std::thread tb([&] { updates_b = Updates(*b); });
  ta.join();
  tb.join();
  EXPECT_EQ(updates_a + updates_b, 1);
  DeliverAll(*a);
  DeliverAll(*b);
  EXPECT_EQ(UpdateBodies().size(), 1u);
  EXPECT_EQ(AnnouncedEvents(incident), 1);
}

TEST_P(GroupUpdateTest, ResolvedIncidentsAnnounceNothing) {
  auto service = Service(*db_, "a");
  Incident incident = OpenWith({StoreAlert("amount")});
  Pass(*service);
  clock_.Advance(kMinute);
  Join(incident, {StoreAlert("merchant")});
  storage::SqlIncidentStore store(*db_);
  Incident current = *store.GetIncident(incident.id);
  Incident resolved = current;
  resolved.state = IncidentState::kResolved;
  resolved.resolved_at = clock_.NowMs();
  IncidentEvent event;
  event.incident_id = incident.id;
  event.time = clock_.NowMs();
  event.kind = "resolved";
  ASSERT_TRUE(store.UpdateIncident(resolved, current.version, event).ok());
  clock_.Advance(10 * kMinute);
  EXPECT_EQ(Updates(*service), 0);
}

TEST_P(GroupUpdateTest, AnIncidentNobodyWasPagedForRecordsTheAnnouncement) {
  auto service = Service(*db_, "a");
  Incident incident = OpenWith({StoreAlert("amount")});  // no escalation pass: no pages
  clock_.Advance(kMinute);
  Join(incident, {StoreAlert("merchant")});
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Updates(*service), 1);
  EXPECT_EQ(AnnouncedEvents(incident), 1);
  auto messages = storage::ListIncidentNotifications(*db_, incident.id);
  EXPECT_TRUE(messages->empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, GroupUpdateTest, ::testing::ValuesIn(storage::ContractEngines()));

TEST(RenderGroupUpdateTest, AlertTextIsListedLiterallyAndLongBatchesAreCounted) {
  Incident incident;
  incident.id = 7;
  incident.title = "Drift";
  std::vector<Alert> joined;
  for (int n = 0; n < 25; ++n) {
    Alert alert;
    alert.labels = {{"alertname", "A"}, {"n", std::to_string(n)}};
    alert.annotations = {{"summary", "{{secret}} <!channel>"}};
    joined.push_back(alert);
  }
  GroupUpdateText update = RenderGroupUpdate(incident, joined, 30);
  EXPECT_NE(update.subject.find("INC-7 25 new alerts joined"), std::string::npos);
  EXPECT_NE(update.text.find("{{secret}} <!channel>"), std::string::npos);
  EXPECT_NE(update.text.find("… and 5 more"), std::string::npos);
  EXPECT_EQ(update.payload["alerts"].size(), kMaxListedAlerts);
  EXPECT_EQ(update.payload["total_alerts"], 30);
}

}  // namespace
}  // namespace vakt::paging
