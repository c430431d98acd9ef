#pragma once

#include "notify/http_client.h"
#include "notify/notifier.h"

namespace vakt::notify::slack {

// SlackNotifier posts to a Slack incoming webhook (Notification::target, itself a secret: it is
// redacted from every Status). The payload is
//   {"text": fallback, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": ...}}],
//    "unfurl_links": false, "unfurl_media": false}
// with the subject in bold above Notification::markdown (or text when no markdown is set). All of
// it is escaped with EscapeSlackText: formatting survives, mentions and links from alert text do
// not. A section is capped at Slack's 3000 characters. Safe for concurrent Send calls if the
// HttpClient is.
class SlackNotifier final : public Notifier {
 public:
  // `client` must outlive the notifier.
  explicit SlackNotifier(HttpClient& client) : client_(client) {}

  Status Send(const Notification& notification) override;

 private:
  HttpClient& client_;
};

}  // namespace vakt::notify::slack
