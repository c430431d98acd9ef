#include "paging/paging_service.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "common/time_format.h"
#include "notify/slack/slack_notifier.h"
#include "notify/webhook/webhook_notifier.h"
#include "paging/notification_template.h"
#include "storage/sql_audit_append.h"
#include "storage/sql_escalation_override_store.h"
#include "storage/write_transaction.h"

namespace vakt::paging {
namespace {

std::string GeneratedOwner() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  std::random_device random;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(random());
}

}  // namespace

const std::vector<storage::OutboxLane>& DeliveryLanes() {
  static const std::vector<storage::OutboxLane> kLanes = {
      {{"webhook"}, false},
      {{"slack"}, false},
      {{"email"}, false},
      {{"webhook", "slack", "email"}, true},
  };
  return kLanes;
}

PagingService::PagingService(storage::Database& database, const Clock& clock,
                             PolicyLookup policy_of, PagingOptions options)
    : database_(database), clock_(clock), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = GeneratedOwner();
  people_ = std::make_unique<People>(database_, clock_, oncall_);
  route_.drill_webhook_url = options_.drill_webhook_url;
  EscalationSchedulerOptions scheduler_options;
  scheduler_options.owner = options_.owner;
  scheduler_options.lease_ms = options_.lease_ms;
  scheduler_options.templates_dir = options_.templates_dir;
  scheduler_ = std::make_unique<EscalationScheduler>(database_, oncall_, std::move(policy_of),
                                                     route_, scheduler_options);
}

Result<std::unique_ptr<PagingService>> PagingService::Create(storage::Database& database,
                                                             const Clock& clock,
                                                             PolicyLookup policy_of,
                                                             PagingOptions options) {
  // A broken template is reported at start, naming the file, not found during an incident.
  VAKT_RETURN_IF_ERROR(CheckTemplateDirectory(options.templates_dir));
  std::unique_ptr<PagingService> service(
      new PagingService(database, clock, std::move(policy_of), std::move(options)));
  const PagingOptions& opts = service->options_;
  std::map<std::string, std::shared_ptr<notify::Notifier>> notifiers;
  if (!opts.webhook_secret.empty()) {
    VAKT_ASSIGN_OR_RETURN(auto webhook, notify::webhook::WebhookNotifier::Create(
                                            opts.webhook_secret, service->http_, clock));
    notifiers["webhook"] = std::move(webhook);
  }
  notifiers["slack"] = std::make_shared<notify::slack::SlackNotifier>(service->http_);
  if (!opts.smtp_url.empty()) {
    notify::email::SmtpOptions smtp;
    smtp.url = opts.smtp_url;
    smtp.from = opts.smtp_from;
    notifiers["email"] = std::make_shared<notify::email::EmailNotifier>(smtp, clock);
  }
  DeliveryWorkerOptions delivery_options;
  delivery_options.owner = opts.owner;
  delivery_options.lease_ms = opts.lease_ms;
  delivery_options.retry = opts.retry;
  delivery_options.slack_webhook_url = opts.slack_webhook_url;
  delivery_options.templates_dir = opts.templates_dir;
  delivery_options.fallback_channel = opts.fallback_channel;
  delivery_options.fallback_target = opts.fallback_target;
  delivery_options.route = service->route_;
  service->delivery_ = std::make_unique<DeliveryWorker>(database, service->oncall_,
                                                        std::move(notifiers), delivery_options);
  VAKT_RETURN_IF_ERROR(service->ReloadOncall());
  VAKT_RETURN_IF_ERROR(service->RefreshPeople());
  VAKT_RETURN_IF_ERROR(service->RefreshOverrides());
  return service;
}

PagingService::~PagingService() { Stop(); }

Status PagingService::ReloadOncall() {
  if (options_.oncall_path.empty()) return Status::Ok();
  if (!std::filesystem::exists(options_.oncall_path)) {
    // Like the catalogue: no file means no escalations yet, not a server that cannot start.
    spdlog::warn("on-call file {} not found: no escalations until it exists and is reloaded",
                 options_.oncall_path);
    return Status::Ok();
  }
  return oncall_.Load(options_.oncall_path).WithContext("on-call file not reloaded");
}

Result<PassCounts> PagingService::RunEscalationPass() {
  // People and overrides another instance changed must count before anyone is paged.
  VAKT_RETURN_IF_ERROR(RefreshPeople());
  VAKT_RETURN_IF_ERROR(RefreshOverrides());
  return scheduler_->RunPass(clock_.NowMs());
}

Result<std::int64_t> PagingService::AddOverride(const std::string& schedule_id,
                                                const std::string& user, TimeMs start, TimeMs end,
                                                const std::string& actor) {
  constexpr TimeMs kMaxOverride = 90LL * 24 * 3600 * 1000;
  if (start >= end) return Status::InvalidArgument("end: must be after start");
  if (end - start > kMaxOverride)
    return Status::InvalidArgument("end: at most 90 days after start");
  auto config = oncall_.Get();
  if (config->directory.FindSchedule(schedule_id) == nullptr) {
    return Status::NotFound("no schedule " + schedule_id);
  }
  if (config->directory.FindUser(user) == nullptr) {
    return Status::InvalidArgument("user: no user " + user + " in the on-call file");
  }
  storage::StoredOverride entry;
  entry.schedule_id = schedule_id;
  entry.user_id = user;
  entry.start = start;
  entry.end = end;
  entry.created_by = actor;
  VAKT_ASSIGN_OR_RETURN(std::int64_t id,
                        storage::InsertScheduleOverride(database_, entry, clock_.NowMs()));
  VAKT_RETURN_IF_ERROR(RefreshOverrides());
  return id;
}

Status PagingService::RefreshOverrides() {
  // Overrides that ended a day ago no longer matter for paging or the shift views around now.
  VAKT_ASSIGN_OR_RETURN(
      auto stored, storage::ListScheduleOverrides(database_, clock_.NowMs() - 24LL * 3600 * 1000));
  std::vector<ApiOverride> overrides;
  overrides.reserve(stored.size());
  for (const auto& entry : stored) {
    overrides.push_back({entry.schedule_id, {entry.user_id, entry.start, entry.end}});
  }
  oncall_.SetOverrides(std::move(overrides));
  return Status::Ok();
}

Status PagingService::RefreshPeople() { return people_->Refresh(); }

Result<DeliveryCounts> PagingService::RunDeliveryPass(const storage::OutboxLane* lane) {
  return delivery_->RunPass(clock_.NowMs(), clock_, lane);
}

Result<GroupUpdateCounts> PagingService::RunGroupUpdatePass() {
  constexpr TimeMs kDefaultGroupInterval = 5 * 60'000;
  GroupIntervalLookup interval_of = options_.group_interval_of;
  if (!interval_of) interval_of = [](const std::string&) { return kDefaultGroupInterval; };
  return paging::RunGroupUpdatePass(database_, interval_of, route_, clock_.NowMs());
}

Result<NoticeResult> PagingService::Notify(const Incident& incident, const NoticeRequest& request) {
  VAKT_ASSIGN_OR_RETURN(auto result, EnqueueNotice(database_, options_.templates_dir, incident,
                                                   request, route_, clock_.NowMs()));
  Wake();
  return result;
}

Status PagingService::SendTest(const std::string& channel, const std::string& target,
                               const std::string& actor) {
  std::string to = target;
  if (channel == "slack") {
    if (to.empty()) to = options_.slack_webhook_url;
    if (to.empty()) {
      return Status::FailedPrecondition(
          "to: no Slack webhook given and notify.slack_webhook_url "
          "is not configured");
    }
  } else if (channel == "email") {
    if (to.find('@') == std::string::npos) {
      return Status::InvalidArgument("to: an e-mail address is required for channel email");
    }
  } else if (channel == "webhook") {
    if (to.rfind("https://", 0) != 0 && to.rfind("http://", 0) != 0) {
      return Status::InvalidArgument("to: an http(s) URL is required for channel webhook");
    }
  } else {
    return Status::InvalidArgument("channel: \"" + channel +
                                   "\" is not one of webhook, slack, email");
  }
  if (to.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument("to: must not contain line breaks");
  }
  const TimeMs now = clock_.NowMs();
  storage::OutboxRow row;
  row.message.idempotency_key = "test:" + options_.owner + ":" + std::to_string(now);
  row.message.channel = channel;
  row.message.target = to;
  row.message.subject = "vakt test message";
  nlohmann::json payload = {
      {"type", "notification.test"},
      {"text", "Test message from vakt, sent by " + actor + " at " + FormatRfc3339(now) +
                   ". If you can read this, the " + channel + " channel works."}};
  row.message.payload = payload.dump();
  Status sent = delivery_->SendNow(row);
  Status audited = storage::RunInWriteTransaction(database_, [&](storage::SqlConnection& conn) {
    audit::AuditEvent event;
    event.actor = actor;
    event.action = "notification.test";
    event.subject = "channel/" + channel;
    event.details = {{"target", channel == "email" ? to : to.substr(0, to.find('/', 8))},
                     {"result", sent.ok() ? "sent" : sent.ToString()}};
    return storage::AppendAuditEvent(conn, event, clock_.NowMs()).status();
  });
  if (!sent.ok()) return sent;
  return audited;
}

void PagingService::Wake() {
  std::lock_guard lock(wake_mu_);
  ++escalation_wakes_;
  ++delivery_wakes_;
  wake_.notify_all();
}

void PagingService::WakeDelivery() {
  std::lock_guard lock(wake_mu_);
  ++delivery_wakes_;
  wake_.notify_all();
}

void PagingService::Start() {
  std::lock_guard lock(wake_mu_);
  if (!workers_.empty()) return;
  stopping_ = false;
  workers_.emplace_back([this] {
    RunLoop(escalation_wakes_, [this] {
      auto escalated = RunEscalationPass();
      if (!escalated.ok()) {
        spdlog::warn("escalation pass: {}", escalated.status().ToString());
      } else if (escalated->pages > 0) {
        WakeDelivery();  // a page written now goes out now, not at the next poll
      }
      auto announced = RunGroupUpdatePass();
      if (!announced.ok()) {
        spdlog::warn("group update pass: {}", announced.status().ToString());
      } else if (announced->messages > 0) {
        WakeDelivery();
      }
    });
  });
  for (const storage::OutboxLane& lane : DeliveryLanes()) {
    workers_.emplace_back([this, &lane] {
      RunLoop(delivery_wakes_, [this, &lane] {
        auto delivered = RunDeliveryPass(&lane);
        if (!delivered.ok()) spdlog::warn("delivery pass: {}", delivered.status().ToString());
      });
    });
  }
}

void PagingService::Stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
    wake_.notify_all();
    workers.swap(workers_);
  }
  for (std::thread& worker : workers) worker.join();
}

void PagingService::RunLoop(const std::uint64_t& generation, const std::function<void()>& pass) {
  std::uint64_t seen = 0;
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                     [&] { return stopping_ || generation != seen; });
      if (stopping_) return;
      seen = generation;
    }
    pass();
  }
}

}  // namespace vakt::paging
