#include "notify/slack/slack_notifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "notify/retrying_notifier.h"
#include "notify/slack/slack_escape.h"
#include "notify/testing/recording_http_server.h"

namespace vakt::notify::slack {
namespace {

using testing::RecordingHttpServer;

// SlackDecode undoes Slack's three entities the way Slack displays text.
std::string SlackDecode(std::string text) {
  std::string out;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (text.compare(pos, 4, "&lt;") == 0) {
      out += '<';
      pos += 3;
    } else if (text.compare(pos, 4, "&gt;") == 0) {
      out += '>';
      pos += 3;
    } else if (text.compare(pos, 5, "&amp;") == 0) {
      out += '&';
      pos += 4;
    } else {
      out += text[pos];
    }
  }
  return out;
}

std::string RemoveWordJoiners(std::string text) {
  for (size_t pos; (pos = text.find(kWordJoiner)) != std::string::npos;) {
    text.erase(pos, kWordJoiner.size());
  }
  return text;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return text;
}

class SlackNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.started()); }

  Notification Message(std::string subject, std::string text) {
    Notification notification;
    notification.channel = ChannelKind::kSlack;
    notification.target = server_.Url("/services/T000/B000/XXXXSECRET");
    notification.subject = std::move(subject);
    notification.text = std::move(text);
    notification.idempotency_key = "k1";
    return notification;
  }

  // Sends and returns the JSON payload the server received.
  nlohmann::json SendAndReceive(const Notification& notification) {
    const size_t before = server_.requests().size();
    const Status status = notifier_.Send(notification);
    EXPECT_TRUE(status.ok()) << status.ToString();
    const auto requests = server_.requests();
    if (requests.size() != before + 1) return nullptr;
    EXPECT_EQ(requests.back().path, "/services/T000/B000/XXXXSECRET");
    EXPECT_EQ(requests.back().Header("content-type"), "application/json");
    return nlohmann::json::parse(requests.back().body);
  }

  RecordingHttpServer server_;
  CurlHttpClient client_;
  SlackNotifier notifier_{client_};
};

TEST_F(SlackNotifierTest, SendsTextAndAMrkdwnSection) {
  const nlohmann::json payload = SendAndReceive(Message("FeatureDrift", "PSI *0.31* on `age`"));
  ASSERT_FALSE(payload.is_null());
  EXPECT_EQ(payload["text"], "FeatureDrift\nPSI *0.31* on `age`");
  ASSERT_EQ(payload["blocks"].size(), 1u);
  EXPECT_EQ(payload["blocks"][0]["type"], "section");
  EXPECT_EQ(payload["blocks"][0]["text"]["type"], "mrkdwn");
  EXPECT_EQ(payload["blocks"][0]["text"]["text"], "*FeatureDrift*\nPSI *0.31* on `age`");
  EXPECT_EQ(payload["unfurl_links"], false);
}

TEST_F(SlackNotifierTest, AlertTextCannotCreateMentionsOrLinks) {
  const char* const hostile[] = {
      "<!channel>", "<!here>", "<!everyone>", "<!here|here>", "<@U0123ABC>", "<#C0123|ops>",
      "<!subteam^S0123|@oncall>", "<https://evil.example|Click to ack>", "<mailto:a@b|mail>",
      "@here", "@channel", "@everyone", "@HeRe please", "&lt;!channel&gt;", "&#60;!here&#62;",
      "<<!channel>>", "\"}]},{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"<!channel>"};
  for (const char* text : hostile) {
    Notification notification = Message(std::string("alert ") + text, text);
    notification.markdown = std::string("*md* ") + text;
    const nlohmann::json payload = SendAndReceive(notification);
    ASSERT_FALSE(payload.is_null()) << text;
    EXPECT_EQ(payload["blocks"].size(), 1u) << text;
    const std::string fallback = payload["text"];
    const std::string section = payload["blocks"][0]["text"]["text"];
    for (const std::string& sent : {fallback, section}) {
      // No "<" or ">" at all means no <!...>, <@...>, <#...> or <url|text> control sequence.
      EXPECT_EQ(sent.find_first_of("<>"), std::string::npos) << text << " -> " << sent;
      // What Slack shows after decoding its entities contains no bare broadcast keyword...
      const std::string shown = Lower(SlackDecode(sent));
      for (const char* keyword : {"@here", "@channel", "@everyone"}) {
        EXPECT_EQ(shown.find(keyword), std::string::npos) << text << " -> " << sent;
      }
    }
    // ...and is exactly the alert text apart from the invisible joiners: nothing was lost.
    EXPECT_EQ(RemoveWordJoiners(SlackDecode(fallback)),
              std::string("alert ") + text + "\n" + text);
    EXPECT_EQ(RemoveWordJoiners(SlackDecode(section)),
              std::string("*alert ") + text + "*\n*md* " + text);
  }
}

TEST_F(SlackNotifierTest, LongTextIsCappedToSlackSectionLimit) {
  const nlohmann::json payload = SendAndReceive(Message("s", std::string(5000, '<')));
  ASSERT_FALSE(payload.is_null());
  const std::string section = payload["blocks"][0]["text"]["text"];
  EXPECT_LE(section.size(), 3000u);
  EXPECT_TRUE(section.ends_with("&lt;\xe2\x80\xa6")) << section.substr(section.size() - 10);
}

TEST_F(SlackNotifierTest, SlackErrorsMapToTheRetryContract) {
  server_.EnqueueReply({400, "invalid_payload"});
  const Status bad = notifier_.Send(Message("s", "t"));
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("invalid_payload"), std::string::npos);
  EXPECT_EQ(bad.message().find("XXXXSECRET"), std::string::npos) << bad.message();

  server_.EnqueueReply({404, "channel_not_found"});
  EXPECT_EQ(notifier_.Send(Message("s", "t")).code(), StatusCode::kInvalidArgument);

  server_.EnqueueReply({429, "rate_limited", {{"Retry-After", "1"}}});
  server_.EnqueueReply({500, "oops"});
  FakeClock clock;
  RetryingNotifier retrying(notifier_, RetryPolicy{3, 10, 100, 10'000}, clock,
                            [&](TimeMs ms) { clock.Advance(ms); });
  const size_t before = server_.requests().size();
  EXPECT_TRUE(retrying.Send(Message("s", "t")).ok());
  EXPECT_EQ(server_.requests().size(), before + 3);
}

TEST_F(SlackNotifierTest, RedirectIsNotFollowed) {
  server_.EnqueueReply({302, "", {{"Location", server_.Url("/stolen")}}});
  EXPECT_EQ(notifier_.Send(Message("s", "t")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(server_.requests().size(), 1u);
}

}  // namespace
}  // namespace vakt::notify::slack
