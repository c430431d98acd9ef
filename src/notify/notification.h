#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace vakt::notify {

// ChannelKind names a notifier plug-in (one folder each under notify/).
enum class ChannelKind { kWebhook, kSlack, kEmail };

const char* ChannelKindName(ChannelKind kind);

// Notification is one already-decided, already-rendered message to deliver to one target. Its
// text fields are plain text: each channel escapes them for its own format (Slack mrkdwn, MIME,
// JSON), so text that came from an alert cannot become markup, mentions or headers.
struct Notification {
  ChannelKind channel = ChannelKind::kWebhook;
  // Where to: the URL for webhook and Slack (a Slack URL is itself a secret), the recipient
  // address for e-mail.
  std::string target;
  std::string subject;
  // Plain-text body.
  std::string text;
  // Optional richer bodies: Slack shows `markdown` in a mrkdwn block; e-mail adds `html` as a
  // multipart/alternative part. Both are treated like `text` with respect to escaping, except
  // that `html` is sent as HTML and must have been rendered with Escaping::kHtml.
  std::optional<std::string> markdown;
  std::optional<std::string> html;
  // Structured payload: the body of a generic webhook. Null means "build one from subject/text".
  nlohmann::json payload;
  // Stable across retries of the same logical delivery: webhook-id, e-mail Message-ID.
  std::string idempotency_key;
};

}  // namespace vakt::notify
