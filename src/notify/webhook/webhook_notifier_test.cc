#include "notify/webhook/webhook_notifier.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "notify/retrying_notifier.h"
#include "notify/testing/recording_http_server.h"
#include "notify/testing/subprocess.h"
#include "notify/webhook/standard_webhooks.h"

namespace vakt::notify::webhook {
namespace {

using testing::RecordingHttpServer;

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

Notification PageFor(const std::string& url) {
  Notification notification;
  notification.channel = ChannelKind::kWebhook;
  notification.target = url;
  notification.subject = "FeatureDrift on ranker";
  notification.text = "PSI 0.31 > 0.2 \"quoted\" \\ {{not.a.template}}";
  notification.idempotency_key = "page-inc42-level1";
  return notification;
}

class WebhookNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.started());
    auto notifier = WebhookNotifier::Create(kSecret, client_, clock_);
    ASSERT_TRUE(notifier.ok()) << notifier.status().ToString();
    notifier_ = std::move(notifier).value();
  }

  RecordingHttpServer server_;
  FakeClock clock_{1'764'300'000'000};
  CurlHttpClient client_{HttpClientOptions{2'000, 1'000, 64 * 1024}};
  std::unique_ptr<WebhookNotifier> notifier_;
};

TEST_F(WebhookNotifierTest, DeliversSignedJsonThatVerifies) {
  ASSERT_TRUE(notifier_->Send(PageFor(server_.Url("/hooks/vakt"))).ok());
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& received = requests[0];
  EXPECT_EQ(received.method, "POST");
  EXPECT_EQ(received.path, "/hooks/vakt");
  EXPECT_EQ(received.Header("content-type"), "application/json");
  EXPECT_EQ(received.Header("webhook-id"), "page-inc42-level1");
  EXPECT_EQ(received.Header("webhook-timestamp"), "1764300000");

  const auto body = nlohmann::json::parse(received.body);
  EXPECT_EQ(body["type"], "vakt.notification");
  EXPECT_EQ(body["data"]["text"], "PSI 0.31 > 0.2 \"quoted\" \\ {{not.a.template}}");

  Result<std::string> key = DecodeWebhookSecret(kSecret);
  ASSERT_TRUE(key.ok());
  const SignedHeaders headers{received.Header("webhook-id"), received.Header("webhook-timestamp"),
                              received.Header("webhook-signature")};
  EXPECT_TRUE(VerifyWebhook(*key, headers, received.body, clock_.NowMs()).ok());
}

TEST_F(WebhookNotifierTest, SignatureVerifiesWithAnIndependentImplementation) {
  Notification notification = PageFor(server_.Url("/hooks/vakt"));
  notification.payload = {{"incident", "inc-42"}, {"labels", {{"summary", "ümlaut \u2028 \"}"}}}};
  ASSERT_TRUE(notifier_->Send(notification).ok());
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& received = requests[0];
  EXPECT_EQ(nlohmann::json::parse(received.body), notification.payload);

  const char* source_dir = std::getenv("VAKT_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr);
  const std::string script =
      std::string(source_dir) + "/tests/testdata/notify/verify_standard_webhook.py";
  const auto body_file = std::filesystem::temp_directory_path() /
                         ("vakt_webhook_body_" + std::to_string(::getpid()));
  std::ofstream(body_file, std::ios::binary) << received.body;
  const std::vector<std::string> argv = {"/usr/bin/python3", script, std::string(kSecret),
                                         received.Header("webhook-id"),
                                         received.Header("webhook-timestamp"),
                                         received.Header("webhook-signature"), body_file.string()};
  EXPECT_EQ(testing::RunProcess(argv), 0);
  // The same independent verifier must reject a tampered body, or the check above proves nothing.
  std::ofstream(body_file, std::ios::binary) << received.body << " ";
  EXPECT_EQ(testing::RunProcess(argv), 1);
  std::filesystem::remove(body_file);
}

TEST_F(WebhookNotifierTest, RetriesA500ThenSucceedsWithTheSameWebhookId) {
  server_.EnqueueReply({500, "boom"});
  std::vector<TimeMs> waits;
  RetryingNotifier retrying(*notifier_, RetryPolicy{3, 100, 1'000, 10'000}, clock_,
                            [&](TimeMs ms) { waits.push_back(ms); clock_.Advance(ms); },
                            [](TimeMs upper) { return upper; });
  ASSERT_TRUE(retrying.Send(PageFor(server_.Url("/hooks/vakt"))).ok());
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
  EXPECT_EQ(waits, std::vector<TimeMs>{100});
}

TEST_F(WebhookNotifierTest, A400IsPermanentAndNotRetried) {
  server_.SetDefaultReply({400, "bad payload"});
  RetryingNotifier retrying(*notifier_, RetryPolicy{5, 100, 1'000, 10'000}, clock_,
                            [&](TimeMs ms) { clock_.Advance(ms); });
  const Status status = retrying.Send(PageFor(server_.Url("/hooks/vakt")));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find("HTTP 400: bad payload"), std::string::npos);
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(WebhookNotifierTest, ARedirectIsNotFollowed) {
  server_.EnqueueReply({302, "", {{"Location", server_.Url("/elsewhere")}}});
  const Status status = notifier_->Send(PageFor(server_.Url("/hooks/vakt")));
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/hooks/vakt");
}

TEST_F(WebhookNotifierTest, StatusesMapToTheRetryContract) {
  struct Case {
    int http_status;
    StatusCode expected;
  };
  const Case cases[] = {{200, StatusCode::kOk},
                        {204, StatusCode::kOk},
                        {429, StatusCode::kUnavailable},
                        {500, StatusCode::kUnavailable},
                        {503, StatusCode::kUnavailable},
                        {401, StatusCode::kPermissionDenied},
                        {404, StatusCode::kInvalidArgument},
                        {301, StatusCode::kFailedPrecondition}};
  for (const Case& c : cases) {
    server_.EnqueueReply({c.http_status, ""});
    EXPECT_EQ(notifier_->Send(PageFor(server_.Url("/h"))).code(), c.expected) << c.http_status;
  }
}

TEST_F(WebhookNotifierTest, ErrorsDoNotRevealTheUrlPath) {
  server_.EnqueueReply({500, ""});
  const Status status = notifier_->Send(PageFor(server_.Url("/services/T0/B0/sekrit-token")));
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message().find("sekrit-token"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("127.0.0.1"), std::string::npos) << status.message();
}

TEST_F(WebhookNotifierTest, ConnectionRefusedIsRetryable) {
  const std::string url = server_.Url("/hooks/vakt");
  server_.Stop();
  EXPECT_EQ(notifier_->Send(PageFor(url)).code(), StatusCode::kUnavailable);
}

TEST_F(WebhookNotifierTest, ASlowReceiverTimesOutAsRetryable) {
  CurlHttpClient impatient(HttpClientOptions{300, 300, 1024});
  auto notifier = WebhookNotifier::Create(kSecret, impatient, clock_);
  ASSERT_TRUE(notifier.ok());
  server_.EnqueueReply({200, "late", {}, 1'500});
  const Status status = (*notifier)->Send(PageFor(server_.Url("/hooks/vakt")));
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
}

TEST_F(WebhookNotifierTest, RejectsUnusableIdempotencyKeysWithoutSending) {
  for (const char* key : {"", "has space", "line\r\nX-Injected: 1"}) {
    Notification notification = PageFor(server_.Url("/hooks/vakt"));
    notification.idempotency_key = key;
    EXPECT_EQ(notifier_->Send(notification).code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_TRUE(server_.requests().empty());
}

TEST(CurlHttpClientTest, CapsTheResponseBody) {
  RecordingHttpServer server;
  ASSERT_TRUE(server.started());
  server.EnqueueReply({200, std::string(1 << 20, 'x')});
  CurlHttpClient client(HttpClientOptions{5'000, 1'000, 1'024});
  Result<HttpResponse> response = client.Post({server.Url("/big"), {}, "{}"});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.size(), 1'024u);
  EXPECT_TRUE(response->truncated);
}

TEST(CurlHttpClientTest, RejectsNonHttpSchemesAndHeaderInjection) {
  CurlHttpClient client;
  EXPECT_EQ(client.Post({"file:///etc/passwd", {}, ""}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Post({"http://127.0.0.1:1/", {{"X-A", "b\r\nX-Injected: 1"}}, ""}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RedactUrlTest, KeepsOnlySchemeHostAndPort) {
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T0/B0/XYZ"), "https://hooks.slack.com/…");
  EXPECT_EQ(RedactUrl("http://user:pw@127.0.0.1:8080/x?token=1"), "http://127.0.0.1:8080/…");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(RedactUrl("not a url"), "<url>");
}

}  // namespace
}  // namespace vakt::notify::webhook
