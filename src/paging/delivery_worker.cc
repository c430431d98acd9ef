#include "paging/delivery_worker.h"

#include <spdlog/spdlog.h>

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

}  // namespace

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
  VAKT_ASSIGN_OR_RETURN(std::string source,
                        LoadNoticeTemplate(options_.templates_dir, template_name));
  VAKT_ASSIGN_OR_RETURN(auto rendered, RenderNotice(source, incident));
  auto config = oncall_.Get();
  VAKT_ASSIGN_OR_RETURN(auto contacts, ResolveRecipient(row.message.target, *config, now,
                                                        options_.slack_webhook_url));
  nlohmann::json body = {{"type", "incident.notice"},
                         {"template", template_name},
                         {"incident", incident.Key()},
                         {"recipient", row.message.target},
                         {"subject", rendered.first},
                         {"text", rendered.second}};
  return database_.RunWrite([&](storage::SqlConnection& conn) -> Status {
    storage::SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    for (const Contact& contact : contacts) {
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
    VAKT_RETURN_IF_ERROR(
        storage::MarkNotificationSentInTransaction(conn, row.id, options_.owner, now));
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

Result<DeliveryCounts> DeliveryWorker::RunPass(TimeMs now, const Clock& clock) {
  DeliveryCounts counts;
  VAKT_ASSIGN_OR_RETURN(auto claimed, storage::ClaimDueNotifications(
                                          database_, options_.owner, now, options_.lease_ms,
                                          options_.batch));
  Status first_error;
  for (const storage::OutboxRow& row : claimed) {
    if (row.message.channel == "runbook-notify") {
      Status fanned = FanOut(row, clock.NowMs());
      if (fanned.ok()) {
        ++counts.sent;
        continue;
      }
      // Not fanned out: fall through to the failure handling below with this error.
      spdlog::warn("runbook notify {}: {}", row.message.idempotency_key, fanned.ToString());
      storage::OutboxRetryPolicy policy = options_.retry;
      if (fanned.code() != StatusCode::kUnavailable) policy.max_attempts = 0;
      auto state = storage::MarkNotificationFailed(database_, row.id, options_.owner,
                                                   fanned.ToString(), clock.NowMs(), policy);
      if (state.ok()) {
        (*state == storage::OutboxState::kFailed ? counts.failed : counts.retrying) += 1;
      } else if (first_error.ok()) {
        first_error = state.status();
      }
      continue;
    }
    Status sent = Deliver(row);
    TimeMs after = clock.NowMs();
    Status marked;
    if (sent.ok()) {
      marked = storage::MarkNotificationSent(database_, row.id, options_.owner, after);
      if (marked.ok()) ++counts.sent;
    } else {
      // Only Unavailable is worth retrying; anything else fails the message now.
      storage::OutboxRetryPolicy policy = options_.retry;
      if (sent.code() != StatusCode::kUnavailable) policy.max_attempts = 0;
      auto state = storage::MarkNotificationFailed(database_, row.id, options_.owner,
                                                   sent.ToString(), after, policy);
      marked = state.status();
      if (state.ok()) {
        (*state == storage::OutboxState::kFailed ? counts.failed : counts.retrying) += 1;
        spdlog::warn("notification {} via {} attempt {}: {}", row.message.idempotency_key,
                     row.message.channel, row.attempts, sent.ToString());
      }
    }
    if (!marked.ok() && first_error.ok()) first_error = marked;
  }
  if (!first_error.ok()) return first_error;
  return counts;
}

}  // namespace vakt::paging
