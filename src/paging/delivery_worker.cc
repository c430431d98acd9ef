#include "paging/delivery_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "paging/recipient_resolver.h"
#include "paging/stakeholder_notice.h"
#include "storage/sql_incident_store.h"

namespace vakt::paging {
namespace {

Result<notify::ChannelKind> ChannelKindOf(const std::string& channel) {
  if (channel == "webhook") return notify::ChannelKind::kWebhook;
  if (channel == "slack") return notify::ChannelKind::kSlack;
  if (channel == "email") return notify::ChannelKind::kEmail;
  return Status::InvalidArgument("unknown notification channel \"" + channel + "\"");
}

bool IsUrl(const std::string& text) {
  return text.rfind("https://", 0) == 0 || text.rfind("http://", 0) == 0;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TimeMs RetryWait(std::int64_t failed_attempts, const storage::OutboxRetryPolicy& policy,
                 const notify::JitterSource& jitter) {
  const TimeMs backoff = storage::BackoffAfter(failed_attempts, policy);
  const TimeMs half = backoff / 2;
  const TimeMs spread = backoff - half;
  return half + std::clamp<TimeMs>(jitter ? jitter(spread) : spread, 0, spread);
}

Result<notify::Notification> ToNotification(const storage::OutboxRow& row,
                                            const std::string& slack_webhook_url) {
  notify::Notification notification;
  VAKT_ASSIGN_OR_RETURN(notification.channel, ChannelKindOf(row.message.channel));
  notification.target = row.message.target;
  notification.subject = row.message.subject;
  notification.idempotency_key = row.message.idempotency_key;
  notification.text = row.message.payload;
  nlohmann::json payload = nlohmann::json::parse(row.message.payload, nullptr, false);
  if (payload.is_object()) {
    notification.payload = payload;
    if (payload.contains("text") && payload["text"].is_string()) {
      notification.text = payload["text"].get<std::string>();
    }
  }
  if (notification.channel == notify::ChannelKind::kSlack && !IsUrl(notification.target)) {
    if (slack_webhook_url.empty()) {
      return Status::FailedPrecondition("no slack_webhook_url configured for Slack user " +
                                        row.message.target);
    }
    // The Slack notifier escapes text, so the user id is named, not turned into a mention.
    notification.text = "For " + row.message.target + ": " + notification.text;
    notification.target = slack_webhook_url;
  }
  return notification;
}

DeliveryWorker::DeliveryWorker(storage::Database& database, const OncallSource& oncall,
                               std::map<std::string, std::shared_ptr<notify::Notifier>> notifiers,
                               DeliveryWorkerOptions options)
    : database_(database),
      oncall_(oncall),
      notifiers_(std::move(notifiers)),
      options_(std::move(options)) {}

Status DeliveryWorker::FanOut(const storage::OutboxRow& row, TimeMs now) {
  if (!row.message.incident_id) {
    return Status::InvalidArgument("runbook-notify message without an incident");
  }
  storage::SqlIncidentStore incidents(database_);
  VAKT_ASSIGN_OR_RETURN(Incident incident, incidents.GetIncident(*row.message.incident_id));
  std::string template_name = row.message.subject;
  nlohmann::json payload = nlohmann::json::parse(row.message.payload, nullptr, false);
  if (payload.is_object() && payload.contains("template") && payload["template"].is_string()) {
    template_name = payload["template"].get<std::string>();
  }
  auto config = oncall_.Get();
  VAKT_ASSIGN_OR_RETURN(auto contacts, ResolveRecipient(row.message.target, *config, now,
                                                        options_.slack_webhook_url));
  // Rendered per channel: a channel may have its own template for this moment.
  std::map<std::string, std::pair<std::string, std::string>> rendered_for;
  for (const Contact& contact : contacts) {
    if (rendered_for.count(contact.channel)) continue;
    VAKT_ASSIGN_OR_RETURN(std::string source, LoadNoticeTemplate(options_.templates_dir,
                                                                 template_name, contact.channel));
    VAKT_ASSIGN_OR_RETURN(rendered_for[contact.channel], RenderNotice(source, incident));
  }
  return database_.RunWrite([&](storage::SqlConnection& conn) -> Status {
    storage::SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    for (const Contact& contact : contacts) {
      const auto& rendered = rendered_for.at(contact.channel);
      nlohmann::json body = {{"type", "incident.notice"},  {"template", template_name},
                             {"incident", incident.Key()}, {"recipient", row.message.target},
                             {"subject", rendered.first},  {"text", rendered.second}};
      storage::OutboxMessage child;
      child.idempotency_key =
          row.message.idempotency_key + ":" + contact.channel + ":" + contact.target;
      child.channel = contact.channel;
      child.target = contact.target;
      child.subject = rendered.first;
      child.payload = body.dump();
      child.incident_id = incident.id;
      child = options_.route.Apply(std::move(child), incident.drill);
      VAKT_RETURN_IF_ERROR(storage::EnqueueNotification(conn, child, now).status());
    }
    storage::AttemptOutcome outcome;
    outcome.started_at = now;
    VAKT_RETURN_IF_ERROR(
        storage::MarkNotificationSentInTransaction(conn, row.id, options_.owner, now, outcome));
    return txn.Commit();
  });
}

Status DeliveryWorker::Deliver(const storage::OutboxRow& row) {
  if (row.message.channel == "drill") {
    spdlog::info("drill notification {} recorded, not sent: {}", row.message.idempotency_key,
                 row.message.subject);
    return Status::Ok();
  }
  auto notifier = notifiers_.find(row.message.channel);
  if (notifier == notifiers_.end() || notifier->second == nullptr) {
    return Status::FailedPrecondition("no notifier configured for channel " + row.message.channel);
  }
  VAKT_ASSIGN_OR_RETURN(notify::Notification notification,
                        ToNotification(row, options_.slack_webhook_url));
  return notifier->second->Send(notification);
}

std::optional<storage::OutboxMessage> DeliveryWorker::FallbackFor(
    const storage::OutboxRow& row) const {
  const std::string& channel = options_.fallback_channel;
  if (channel.empty() || channel == row.message.channel || row.message.channel == "drill" ||
      row.message.channel == "runbook-notify" ||
      EndsWith(row.message.idempotency_key, kFallbackSuffix)) {
    return std::nullopt;
  }
  nlohmann::json payload = nlohmann::json::parse(row.message.payload, nullptr, false);
  // A drill never reaches real people, not even through a fallback.
  if (row.message.subject.rfind("[DRILL] ", 0) == 0 ||
      (!options_.route.drill_webhook_url.empty() &&
       row.message.target == options_.route.drill_webhook_url) ||
      (payload.is_object() && payload.contains("drill") && payload["drill"].is_boolean() &&
       payload["drill"].get<bool>())) {
    return std::nullopt;
  }
  std::string target = options_.fallback_target;
  if (!row.message.page_key.empty() && payload.is_object() && payload.contains("user") &&
      payload["user"].is_string()) {
    // A page falls back to the same person on the other channel, if they have an address there.
    auto config = oncall_.Get();
    if (const oncall::User* user = config->directory.FindUser(payload["user"].get<std::string>())) {
      for (const oncall::ContactMethod& contact : user->contacts) {
        if (channel == oncall::ContactKindName(contact.kind)) {
          target = contact.address;
          break;
        }
      }
    }
  }
  if (target.empty()) return std::nullopt;
  storage::OutboxMessage fallback = row.message;
  fallback.idempotency_key = row.message.idempotency_key + kFallbackSuffix;
  fallback.channel = channel;
  fallback.target = target;
  fallback.not_before = 0;
  if (payload.is_object()) {
    payload["fallback_for"] = row.message.channel;
    fallback.payload = payload.dump();
  }
  return fallback;
}

Status DeliveryWorker::MarkFailed(const storage::OutboxRow& row, const Status& error,
                                  TimeMs started, TimeMs after, DeliveryCounts& counts) {
  // Only Unavailable is worth retrying; anything else fails the message now.
  storage::OutboxRetryPolicy policy = options_.retry;
  if (error.code() != StatusCode::kUnavailable) policy.max_attempts = 0;
  storage::AttemptOutcome outcome;
  outcome.started_at = started;
  outcome.retry_after = RetryWait(row.attempts, policy, options_.jitter);
  outcome.fallback = FallbackFor(row);
  auto state = storage::MarkNotificationFailed(database_, row.id, options_.owner, error.ToString(),
                                               after, policy, outcome);
  if (!state.ok()) return state.status();
  (*state == storage::OutboxState::kFailed ? counts.failed : counts.retrying) += 1;
  spdlog::warn("notification {} via {} attempt {}: {}{}", row.message.idempotency_key,
               row.message.channel, row.attempts, error.ToString(),
               *state == storage::OutboxState::kFailed
                   ? (outcome.fallback ? "; failed, falling back to " + outcome.fallback->channel
                                       : std::string("; failed"))
                   : std::string());
  return Status::Ok();
}

Result<DeliveryCounts> DeliveryWorker::RunPass(TimeMs now, const Clock& clock,
                                               const storage::OutboxLane* lane) {
  DeliveryCounts counts;
  VAKT_ASSIGN_OR_RETURN(auto claimed,
                        storage::ClaimDueNotifications(database_, options_.owner, now,
                                                       options_.lease_ms, options_.batch, lane));
  Status first_error;
  for (const storage::OutboxRow& row : claimed) {
    const TimeMs started = clock.NowMs();
    Status marked;
    if (row.message.channel == "runbook-notify") {
      Status fanned = FanOut(row, started);
      if (fanned.ok()) {
        ++counts.sent;
        continue;
      }
      spdlog::warn("runbook notify {}: {}", row.message.idempotency_key, fanned.ToString());
      marked = MarkFailed(row, fanned, started, clock.NowMs(), counts);
    } else {
      Status sent = Deliver(row);
      const TimeMs after = clock.NowMs();
      if (sent.ok()) {
        storage::AttemptOutcome outcome;
        outcome.started_at = started;
        marked = storage::MarkNotificationSent(database_, row.id, options_.owner, after, outcome);
        if (marked.ok()) ++counts.sent;
      } else {
        marked = MarkFailed(row, sent, started, after, counts);
      }
    }
    if (!marked.ok() && first_error.ok()) first_error = marked;
  }
  if (!first_error.ok()) return first_error;
  return counts;
}

}  // namespace vakt::paging
