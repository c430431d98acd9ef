#include "notify/slack/slack_notifier.h"

#include <nlohmann/json.hpp>

#include "notify/slack/slack_escape.h"

namespace vakt::notify::slack {
namespace {

// Slack's documented limits: 3000 characters in a section's text, 40000 in the top-level text.
// Bytes are at least characters, so capping bytes keeps within both.
constexpr size_t kMaxSectionBytes = 3000;
constexpr size_t kMaxTextBytes = 40000;

}  // namespace

Status SlackNotifier::Send(const Notification& notification) {
  const std::string subject = EscapeSlackText(notification.subject);
  const std::string body = EscapeSlackText(notification.markdown.value_or(notification.text));
  std::string section = subject.empty() ? body : "*" + subject + "*\n" + body;
  std::string fallback = EscapeSlackText(
      notification.subject.empty() ? notification.text
                                   : notification.subject + "\n" + notification.text);
  const nlohmann::json payload = {
      {"text", TruncateSlackText(fallback, kMaxTextBytes)},
      {"blocks",
       nlohmann::json::array(
           {{{"type", "section"},
             {"text", {{"type", "mrkdwn"}, {"text", TruncateSlackText(section, kMaxSectionBytes)}}}}})},
      {"unfurl_links", false},
      {"unfurl_media", false},
  };
  HttpRequest request;
  request.url = notification.target;
  request.body = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  VAKT_ASSIGN_OR_RETURN(HttpResponse response, client_.Post(request));
  return CheckHttpStatus(response, "slack POST " + RedactUrl(notification.target));
}

}  // namespace vakt::notify::slack
