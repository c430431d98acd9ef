#include "notify/webhook/webhook_notifier.h"

#include <algorithm>

#include "common/time_format.h"
#include "notify/webhook/standard_webhooks.h"

namespace vakt::notify::webhook {

Result<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Create(std::string_view secret,
                                                                 HttpClient& client,
                                                                 const Clock& clock) {
  VAKT_ASSIGN_OR_RETURN(std::string key, DecodeWebhookSecret(secret));
  return std::unique_ptr<WebhookNotifier>(new WebhookNotifier(std::move(key), client, clock));
}

Status WebhookNotifier::Send(const Notification& notification) {
  const std::string& id = notification.idempotency_key;
  const bool id_ok = !id.empty() && std::all_of(id.begin(), id.end(), [](char ch) {
    return ch > 0x20 && ch < 0x7f;
  });
  if (!id_ok) {
    return Status::InvalidArgument(
        "webhook: idempotency key must be non-empty printable ASCII without spaces");
  }
  const TimeMs now = clock_.NowMs();
  nlohmann::json body = notification.payload;
  if (body.is_null()) {
    body = {{"type", "vakt.notification"},
            {"timestamp", FormatRfc3339(now)},
            {"data", {{"subject", notification.subject}, {"text", notification.text}}}};
  }
  HttpRequest request;
  request.url = notification.target;
  // Invalid UTF-8 from an alert is replaced rather than failing the page.
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::int64_t timestamp = now / 1000;
  request.headers = {{std::string(kIdHeader), id},
                     {std::string(kTimestampHeader), std::to_string(timestamp)},
                     {std::string(kSignatureHeader), SignWebhook(key_, id, timestamp, request.body)}};
  VAKT_ASSIGN_OR_RETURN(HttpResponse response, client_.Post(request));
  return CheckHttpStatus(response, "webhook POST " + RedactUrl(notification.target));
}

}  // namespace vakt::notify::webhook
