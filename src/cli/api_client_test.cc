// CallApi against a real HTTP server on 127.0.0.1: what a CLI command answers for each kind of
// server answer (the exit codes every thin-client command shares).

#include "cli/api_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "cli/commands.h"

namespace vakt::cli {
namespace {

class ApiServer {
 public:
  ApiServer() {
    server_.Get(R"(/status/(\d+))", [](const httplib::Request& request, httplib::Response& out) {
      out.status = std::stoi(request.matches[1]);
      out.set_content(R"({"detail":"answered )" + std::string(request.matches[1]) + R"("})",
                      "application/problem+json");
    });
    server_.Put("/echo", [](const httplib::Request& request, httplib::Response& out) {
      out.set_content(request.body, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~ApiServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(CallApiTest, ExitCodesFollowTheAnswer) {
  ApiServer server;
  struct Case {
    int status;
    int exit_code;
  };
  // 4xx: the request was wrong (usage), except 409, a refusal of a valid request (failure).
  for (const Case& c :
       {Case{400, kExitUsage}, Case{403, kExitUsage}, Case{404, kExitUsage},
        Case{409, kExitFailure}, Case{500, kExitFailure}, Case{503, kExitFailure}}) {
    int exit_code = -1;
    auto answer = CallApi("vakt test", server.url(), "", "GET",
                          "/status/" + std::to_string(c.status), "", exit_code);
    EXPECT_FALSE(answer.has_value()) << c.status;
    EXPECT_EQ(exit_code, c.exit_code) << c.status;
  }
}

TEST(CallApiTest, ASuccessReturnsTheAnswerAndABadServerUrlIsAUsageError) {
  ApiServer server;
  int exit_code = -1;
  auto answer = CallApi("vakt test", server.url(), "t", "PUT", "/echo", R"({"a":1})", exit_code);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->body, R"({"a":1})");
  EXPECT_EQ(exit_code, kExitOk);
  EXPECT_FALSE(CallApi("vakt test", "ftp://x", "", "GET", "/", "", exit_code).has_value());
  EXPECT_EQ(exit_code, kExitUsage);
}

TEST(CallApiTest, AnUnreachableServerIsAFailure) {
  int exit_code = -1;
  // Port 1 on loopback: nothing listens there, the connection is refused.
  EXPECT_FALSE(CallApi("vakt test", "http://127.0.0.1:1", "", "GET", "/", "", exit_code));
  EXPECT_EQ(exit_code, kExitFailure);
}

TEST(IncidentRefTest, ABareNumberBecomesAnIncidentKeyAndAnythingElsePassesThrough) {
  EXPECT_EQ(IncidentRef("42"), "INC-42");
  EXPECT_EQ(IncidentRef("INC-7"), "INC-7");
  EXPECT_EQ(IncidentRef(""), "");
  EXPECT_EQ(IncidentRef("4x"), "4x");
}

}  // namespace
}  // namespace vakt::cli
