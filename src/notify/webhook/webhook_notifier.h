#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "notify/http_client.h"
#include "notify/notifier.h"

namespace vakt::notify::webhook {

// WebhookNotifier POSTs a notification as JSON to Notification::target, signed per the Standard
// Webhooks spec (standard_webhooks.h). The body is Notification::payload, or when that is null
// {"type": "vakt.notification", "timestamp": RFC 3339, "data": {"subject", "text"}}. webhook-id
// is the notification's idempotency key, so a receiver can drop a retried duplicate.
// Safe for concurrent Send calls if the HttpClient is; holds the signing key, never logs it.
class WebhookNotifier final : public Notifier {
 public:
  // Create decodes `secret` ("whsec_<base64>"). `client` and `clock` must outlive the notifier.
  // Returns InvalidArgument for a bad secret.
  static Result<std::unique_ptr<WebhookNotifier>> Create(std::string_view secret,
                                                         HttpClient& client, const Clock& clock);

  // Send returns InvalidArgument without sending if the idempotency key is empty or contains
  // anything but printable ASCII without spaces; otherwise the notifier.h contract.
  Status Send(const Notification& notification) override;

 private:
  WebhookNotifier(std::string key, HttpClient& client, const Clock& clock)
      : key_(std::move(key)), client_(client), clock_(clock) {}

  const std::string key_;
  HttpClient& client_;
  const Clock& clock_;
};

}  // namespace vakt::notify::webhook
