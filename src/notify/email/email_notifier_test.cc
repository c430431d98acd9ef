#include "notify/email/email_notifier.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "notify/retrying_notifier.h"
#include "notify/testing/subprocess.h"

namespace vakt::notify::email {
namespace {

namespace fs = std::filesystem;

// Asks the kernel for a free loopback port. Another process could take it before the SMTP
// server binds; the fixture then fails to start instead of testing the wrong thing.
int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Runs tests/testdata/notify/smtp_sink.py (python3-aiosmtpd) on 127.0.0.1 for each test and
// reads back what it received.
class EmailNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* source_dir = std::getenv("VAKT_SOURCE_DIR");
    ASSERT_NE(source_dir, nullptr);
    std::string pattern = (fs::temp_directory_path() / "vakt_smtp_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    port_ = FreeLoopbackPort();
    ASSERT_GT(port_, 0);
    const std::string script = std::string(source_dir) + "/tests/testdata/notify/smtp_sink.py";
    ASSERT_TRUE(server_.Start({"/usr/bin/python3", script, std::to_string(port_), dir_.string()},
                              (dir_ / "server.log").string()));
    for (int waited_ms = 0; waited_ms < 15'000 && !fs::exists(dir_ / "ready"); waited_ms += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(fs::exists(dir_ / "ready")) << ReadFile(dir_ / "server.log");
    options_.url = "smtp://127.0.0.1:" + std::to_string(port_);
    options_.from = "vakt@alerts.example.com";
    options_.timeout_ms = 10'000;
  }

  void TearDown() override {
    server_.Kill();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Received returns the parsed summary of message `index` (1-based), waiting briefly because
  // the server writes it after answering.
  nlohmann::json Received(int index) {
    const fs::path path = dir_ / ("msg_" + std::to_string(index) + ".json");
    for (int waited_ms = 0; waited_ms < 5'000 && !fs::exists(path); waited_ms += 20) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!fs::exists(path)) return nullptr;
    return nlohmann::json::parse(ReadFile(path));
  }
  std::string RawMessage(int index) {
    return ReadFile(dir_ / ("msg_" + std::to_string(index) + ".eml"));
  }
  int MessageCount() {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() == ".eml") ++count;
    }
    return count;
  }

  Notification Mail(std::string to, std::string subject, std::string text) {
    Notification notification;
    notification.channel = ChannelKind::kEmail;
    notification.target = std::move(to);
    notification.subject = std::move(subject);
    notification.text = std::move(text);
    notification.idempotency_key = "page-inc42-level1";
    return notification;
  }

  fs::path dir_;
  int port_ = -1;
  testing::Subprocess server_;
  SmtpOptions options_;
  FakeClock clock_{1'795'828'616'000};
};

TEST_F(EmailNotifierTest, DeliversPlainTextWithRequiredHeaders) {
  EmailNotifier notifier(options_, clock_);
  const std::string text = "PSI 0.31 > 0.2 on feature=age\nLine two with trailing space \n"
                           ".\nA lone dot above must survive SMTP dot-stuffing.";
  const Status status = notifier.Send(Mail("oncall@example.com", "FeatureDrift on ranker", text));
  ASSERT_TRUE(status.ok()) << status.ToString();
  const nlohmann::json got = Received(1);
  ASSERT_FALSE(got.is_null());
  EXPECT_EQ(got["mail_from"], "vakt@alerts.example.com");
  EXPECT_EQ(got["rcpt_tos"], nlohmann::json::array({"oncall@example.com"}));
  EXPECT_EQ(got["header_names"], nlohmann::json::array({"Date", "From", "To", "Subject",
                                                         "Message-ID", "MIME-Version",
                                                         "Content-Type",
                                                         "Content-Transfer-Encoding"}));
  EXPECT_EQ(got["date_epoch"], 1'795'828'616);
  EXPECT_EQ(got["subject"], "FeatureDrift on ranker");
  EXPECT_EQ(got["from"], "vakt@alerts.example.com");
  EXPECT_EQ(got["to"], "oncall@example.com");
  EXPECT_TRUE(got["message_id"].get<std::string>().ends_with("@alerts.example.com>"));
  EXPECT_EQ(got["content_type"], "text/plain");
  EXPECT_EQ(got["defects"], nlohmann::json::array());
  // smtp_sink.py decodes quoted-printable with Python's parser and normalises line ends to "\n".
  EXPECT_EQ(got["text"], text);
}

TEST_F(EmailNotifierTest, CrlfInAlertTextCannotAddHeadersOrRecipients) {
  EmailNotifier notifier(options_, clock_);
  const std::string subject =
      "Drift\r\nBcc: attacker@evil.example\r\nX-Injected: yes\nContent-Type: text/html";
  const std::string text = "body\r\n.\r\nMAIL FROM:<attacker@evil.example>\r\nRCPT TO:<x@evil>";
  ASSERT_TRUE(notifier.Send(Mail("oncall@example.com", subject, text)).ok());
  const nlohmann::json got = Received(1);
  ASSERT_FALSE(got.is_null());
  for (const auto& name : got["header_names"]) {
    EXPECT_NE(name, "Bcc");
    EXPECT_NE(name, "X-Injected");
  }
  EXPECT_EQ(got["header_names"].size(), 8u);
  EXPECT_EQ(got["rcpt_tos"], nlohmann::json::array({"oncall@example.com"}));
  EXPECT_EQ(got["content_type"], "text/plain");
  EXPECT_EQ(got["subject"],
            "Drift  Bcc: attacker@evil.example  X-Injected: yes Content-Type: text/html");
  // The smuggled SMTP commands stayed body text, and there was exactly one message.
  EXPECT_EQ(got["text"], "body\n.\nMAIL FROM:<attacker@evil.example>\nRCPT TO:<x@evil>");
  EXPECT_EQ(MessageCount(), 1);
}

TEST_F(EmailNotifierTest, NonAsciiSubjectIsRfc2047Encoded) {
  EmailNotifier notifier(options_, clock_);
  const std::string subject =
      "Modell-drift på rangeringsmodellen \xf0\x9f\x9a\xa8 — Ærlig talt, PSI over terskel i "
      "region eu-north-1 for feature ålder";
  ASSERT_TRUE(notifier.Send(Mail("oncall@example.com", subject, "Hei på deg, ÆØÅ")).ok());
  const nlohmann::json got = Received(1);
  ASSERT_FALSE(got.is_null());
  EXPECT_TRUE(got["raw_subject"].get<std::string>().starts_with("=?UTF-8?B?"))
      << got["raw_subject"];
  EXPECT_EQ(got["subject"], subject);
  EXPECT_EQ(got["text"], "Hei på deg, ÆØÅ");
  // Every header line of the raw message stays within RFC 5322's 78 characters.
  const std::string raw = RawMessage(1);
  std::istringstream lines(raw.substr(0, raw.find("\r\n\r\n")));
  for (std::string line; std::getline(lines, line);) {
    // getline leaves the CR of CRLF on the line.
    EXPECT_LE(line.size(), 79u) << line;
  }
}

TEST_F(EmailNotifierTest, HtmlIsSentAsMultipartAlternative) {
  EmailNotifier notifier(options_, clock_);
  Notification mail = Mail("oncall@example.com", "Drift", "plain version");
  mail.html = "<p>HTML &amp; version</p>";
  ASSERT_TRUE(notifier.Send(mail).ok());
  const nlohmann::json got = Received(1);
  ASSERT_FALSE(got.is_null());
  EXPECT_EQ(got["content_type"], "multipart/alternative");
  EXPECT_EQ(got["part_types"],
            nlohmann::json::array({"multipart/alternative", "text/plain", "text/html"}));
  EXPECT_EQ(got["text"], "plain version");
  EXPECT_EQ(got["html"], "<p>HTML &amp; version</p>");
  EXPECT_EQ(got["defects"], nlohmann::json::array());
}

TEST_F(EmailNotifierTest, RetriedSendKeepsTheMessageId) {
  EmailNotifier notifier(options_, clock_);
  ASSERT_TRUE(notifier.Send(Mail("oncall@example.com", "Drift", "one")).ok());
  ASSERT_TRUE(notifier.Send(Mail("oncall@example.com", "Drift", "two")).ok());
  const nlohmann::json first = Received(1);
  const nlohmann::json second = Received(2);
  ASSERT_FALSE(first.is_null());
  ASSERT_FALSE(second.is_null());
  EXPECT_EQ(first["message_id"], second["message_id"]);
}

TEST_F(EmailNotifierTest, ServerVerdictsMapToTheRetryContract) {
  EmailNotifier notifier(options_, clock_);
  const Status rejected = notifier.Send(Mail("reject@example.com", "Drift", "x"));
  EXPECT_EQ(rejected.code(), StatusCode::kInvalidArgument) << rejected.ToString();
  const Status deferred = notifier.Send(Mail("tempfail@example.com", "Drift", "x"));
  EXPECT_EQ(deferred.code(), StatusCode::kUnavailable) << deferred.ToString();
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(EmailNotifierTest, InvalidRecipientIsRejectedBeforeConnecting) {
  EmailNotifier notifier(options_, clock_);
  const Status status =
      notifier.Send(Mail("oncall@example.com>\r\nRCPT TO:<attacker@evil.example", "s", "t"));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(EmailNotifierTest, ConnectionRefusedIsRetryableAndPasswordIsNotReported) {
  server_.Kill();
  options_.username = "vakt";
  options_.password = "smtp-hunter2";
  options_.timeout_ms = 3'000;
  EmailNotifier notifier(options_, clock_);
  const Status status = notifier.Send(Mail("oncall@example.com", "s", "t"));
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(status.ToString().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace vakt::notify::email
