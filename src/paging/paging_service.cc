#include "paging/paging_service.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "notify/slack/slack_notifier.h"
#include "storage/sql_escalation_override_store.h"
#include "notify/webhook/webhook_notifier.h"

namespace vakt::paging {
namespace {

std::string GeneratedOwner() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  std::random_device random;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(random());
}

}  // namespace

PagingService::PagingService(storage::Database& database, const Clock& clock,
                             PolicyLookup policy_of, PagingOptions options)
    : database_(database), clock_(clock), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = GeneratedOwner();
  route_.drill_webhook_url = options_.drill_webhook_url;
  EscalationSchedulerOptions scheduler_options;
  scheduler_options.owner = options_.owner;
  scheduler_options.lease_ms = options_.lease_ms;
  scheduler_ = std::make_unique<EscalationScheduler>(database_, oncall_, std::move(policy_of),
                                                     route_, scheduler_options);
}

Result<std::unique_ptr<PagingService>> PagingService::Create(storage::Database& database,
                                                             const Clock& clock,
                                                             PolicyLookup policy_of,
                                                             PagingOptions options) {
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
  delivery_options.route = service->route_;
  service->delivery_ = std::make_unique<DeliveryWorker>(database, service->oncall_,
                                                        std::move(notifiers), delivery_options);
  VAKT_RETURN_IF_ERROR(service->ReloadOncall());
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
  // Overrides another instance made must count before anyone is paged.
  VAKT_RETURN_IF_ERROR(RefreshOverrides());
  return scheduler_->RunPass(clock_.NowMs());
}

Result<std::int64_t> PagingService::AddOverride(const std::string& schedule_id,
                                                const std::string& user, TimeMs start, TimeMs end,
                                                const std::string& actor) {
  constexpr TimeMs kMaxOverride = 90LL * 24 * 3600 * 1000;
  if (start >= end) return Status::InvalidArgument("end: must be after start");
  if (end - start > kMaxOverride) return Status::InvalidArgument("end: at most 90 days after start");
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
  VAKT_ASSIGN_OR_RETURN(auto stored, storage::ListScheduleOverrides(
                                         database_, clock_.NowMs() - 24LL * 3600 * 1000));
  std::vector<ApiOverride> overrides;
  overrides.reserve(stored.size());
  for (const auto& entry : stored) {
    overrides.push_back({entry.schedule_id, {entry.user_id, entry.start, entry.end}});
  }
  oncall_.SetOverrides(std::move(overrides));
  return Status::Ok();
}

Result<DeliveryCounts> PagingService::RunDeliveryPass() {
  return delivery_->RunPass(clock_.NowMs(), clock_);
}

Result<NoticeResult> PagingService::Notify(const Incident& incident,
                                           const NoticeRequest& request) {
  VAKT_ASSIGN_OR_RETURN(auto result, EnqueueNotice(database_, options_.templates_dir, incident,
                                                   request, route_, clock_.NowMs()));
  Wake();
  return result;
}

void PagingService::Wake() {
  std::lock_guard lock(wake_mu_);
  wake_requested_ = true;
  wake_.notify_all();
}

void PagingService::Start() {
  std::lock_guard lock(wake_mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] { Run(); });
}

void PagingService::Stop() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

void PagingService::Run() {
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                     [this] { return stopping_ || wake_requested_; });
      if (stopping_) return;
      wake_requested_ = false;
    }
    // Escalate first so a page written this pass is delivered in the same pass.
    auto escalated = RunEscalationPass();
    if (!escalated.ok()) spdlog::warn("escalation pass: {}", escalated.status().ToString());
    auto delivered = RunDeliveryPass();
    if (!delivered.ok()) spdlog::warn("delivery pass: {}", delivered.status().ToString());
  }
}

}  // namespace vakt::paging
