#include "action/http_executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace vakt::action {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// RecordedRequest is what the test server saw.
struct RecordedRequest {
  std::string method;
  std::string path;
  std::string idempotency_key;
  std::string content_type;
};

// RecordingServer is a real cpp-httplib server on 127.0.0.1 and a random port, run on its own
// thread, that records every request before routing it.
class RecordingServer {
 public:
  RecordingServer() {
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back({req.method, req.path, req.get_header_value("Idempotency-Key"),
                           req.get_header_value("Content-Type")});
      return httplib::Server::HandlerResponse::Unhandled;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int attempt = 0; attempt < 500 && !server_.is_running(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~RecordingServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Server& server() { return server_; }
  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;
};

class HttpExecutorTest : public ::testing::Test {
 protected:
  HttpExecutorTest() {
    auto egress =
        EgressPolicy::Parse({"127.0.0.1:" + std::to_string(server_.port()),
                             "router.test:" + std::to_string(server_.port()), "metadata.test:*"});
    EXPECT_TRUE(egress.ok()) << egress.status().ToString();
    policy_.egress = *egress;
    policy_.max_attempts = 4;
    policy_.initial_backoff_ms = 100;
  }

  HttpExecutor Executor() {
    // Fake DNS: names the test controls, nothing reaches a real resolver.
    auto resolver = [](const std::string& host) -> Result<std::vector<IpAddress>> {
      if (host == "router.test") return std::vector<IpAddress>{*IpAddress::Parse("127.0.0.1")};
      if (host == "metadata.test") {
        return std::vector<IpAddress>{*IpAddress::Parse("169.254.169.254")};
      }
      return Status::Unavailable("no such host " + host);
    };
    return HttpExecutor(
        policy_, resolver, [this](TimeMs ms) { sleeps_.push_back(ms); },
        [this] {
          // A seeded engine whose draws are recorded, so a test can recompute each wait.
          draws_.push_back(engine_());
          return draws_.back();
        });
  }

  HttpAction Post(const std::string& path) {
    HttpAction action;
    action.method = "POST";
    action.url = server_.Url(path);
    action.body = R"({"weight":0})";
    action.timeout_ms = 2'000;
    return action;
  }

  RecordingServer server_;
  HttpPolicy policy_;
  std::vector<TimeMs> sleeps_;
  std::mt19937_64 engine_{20261128};
  std::vector<std::uint64_t> draws_;
};

TEST_F(HttpExecutorTest, SendsMethodHeadersBodyAndIdempotencyKey) {
  // The pre-routing recorder runs before the body is read, so this handler keeps the body.
  std::string received_body;
  server_.server().Post("/routes/fraud",
                        [&received_body](const httplib::Request& req, httplib::Response& res) {
                          received_body = req.body;
                          res.set_content(R"({"ok":true})", "application/json");
                        });
  HttpAction action = Post("/routes/fraud");
  action.headers = {{"X-Team", "payments"}, {"Idempotency-Key", "runbook-tries-to-set-this"}};
  auto outcome = Executor().Execute(action, "exec_abc123");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->Succeeded());
  EXPECT_EQ(outcome->body, R"({"ok":true})");
  EXPECT_EQ(outcome->attempts, 1);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(received_body, R"({"weight":0})");
  EXPECT_EQ(requests[0].idempotency_key, "exec_abc123");
  EXPECT_EQ(requests[0].content_type, "application/json");
}

TEST_F(HttpExecutorTest, RetriesServiceUnavailableWithSameIdempotencyKey) {
  std::atomic<int> calls{0};
  server_.server().Post("/flaky", [&calls](const httplib::Request&, httplib::Response& res) {
    if (calls.fetch_add(1) < 2) {
      res.status = 503;
    } else {
      res.set_content("done", "text/plain");
    }
  });
  auto outcome = Executor().Execute(Post("/flaky"), "exec_retry");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 200);
  EXPECT_EQ(outcome->attempts, 3);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) EXPECT_EQ(request.idempotency_key, "exec_retry");
  // Exponential with jitter: attempt 1 waits in [50,100], attempt 2 in [100,200].
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_GE(sleeps_[0], 50);
  EXPECT_LE(sleeps_[0], 100);
  EXPECT_GE(sleeps_[1], 100);
  EXPECT_LE(sleeps_[1], 200);
}

TEST_F(HttpExecutorTest, EachRetryWaitsTheRetryDelayOfItsAttemptAndItsOwnRandomDraw) {
  policy_.max_attempts = 5;
  std::atomic<int> calls{0};
  server_.server().Post("/down", [&calls](const httplib::Request&, httplib::Response& res) {
    calls.fetch_add(1);
    res.status = 500;
  });
  auto outcome = Executor().Execute(Post("/down"), "k-delays");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 500);
  EXPECT_EQ(outcome->attempts, 5);
  EXPECT_EQ(calls.load(), 5);
  // One draw and one sleep between consecutive attempts, none after the last.
  ASSERT_EQ(draws_.size(), 4u);
  ASSERT_EQ(sleeps_.size(), 4u);
  for (size_t idx = 0; idx < sleeps_.size(); ++idx) {
    const int attempt = static_cast<int>(idx) + 1;
    EXPECT_EQ(sleeps_[idx], RetryDelay(policy_, attempt, draws_[idx]))
        << "after attempt " << attempt;
  }
}

TEST_F(HttpExecutorTest, GeneratedIdempotencyKeyIsStableAcrossRetries) {
  std::atomic<int> calls{0};
  server_.server().Post("/flaky", [&calls](const httplib::Request&, httplib::Response& res) {
    res.status = calls.fetch_add(1) == 0 ? 500 : 200;
  });
  auto outcome = Executor().Execute(Post("/flaky"), "");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[0].idempotency_key.empty());
  EXPECT_EQ(requests[0].idempotency_key, requests[1].idempotency_key);
  EXPECT_EQ(outcome->idempotency_key, requests[0].idempotency_key);
}

TEST_F(HttpExecutorTest, HonoursRetryAfterOnTooManyRequests) {
  std::atomic<int> calls{0};
  server_.server().Post("/limited", [&calls](const httplib::Request&, httplib::Response& res) {
    if (calls.fetch_add(1) == 0) {
      res.status = 429;
      res.set_header("Retry-After", "3");
    }
  });
  auto outcome = Executor().Execute(Post("/limited"), "k1");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 200);
  EXPECT_THAT(sleeps_, ElementsAre(3'000));
}

TEST_F(HttpExecutorTest, RetryAfterBeyondBoundStopsRetrying) {
  server_.server().Post("/down", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "3600");
  });
  auto outcome = Executor().Execute(Post("/down"), "k1");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 503);
  EXPECT_EQ(outcome->attempts, 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HttpExecutorTest, PersistentFailureStopsAfterMaxAttempts) {
  server_.server().Post("/down",
                        [](const httplib::Request&, httplib::Response& res) { res.status = 502; });
  auto outcome = Executor().Execute(Post("/down"), "k1");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 502);
  EXPECT_EQ(outcome->attempts, policy_.max_attempts);
  EXPECT_EQ(server_.requests().size(), static_cast<size_t>(policy_.max_attempts));
}

TEST_F(HttpExecutorTest, ClientErrorIsNotRetried) {
  server_.server().Post("/bad", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content("bad weight", "text/plain");
  });
  auto outcome = Executor().Execute(Post("/bad"), "k1");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 400);
  EXPECT_FALSE(outcome->Succeeded());
  EXPECT_EQ(outcome->body, "bad weight");
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HttpExecutorTest, RedirectIsNotFollowed) {
  server_.server().Post("/moved", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/elsewhere", 302);
  });
  server_.server().Post("/elsewhere", [](const httplib::Request&, httplib::Response&) {});
  server_.server().Get("/elsewhere", [](const httplib::Request&, httplib::Response&) {});
  auto outcome = Executor().Execute(Post("/moved"), "k1");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 302);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/moved");
}

TEST_F(HttpExecutorTest, MetadataAddressIsRefusedWithoutConnecting) {
  HttpAction action = Post("/");
  action.url = "http://169.254.169.254/latest/meta-data/iam/security-credentials/";
  action.method = "GET";
  auto start = std::chrono::steady_clock::now();
  auto outcome = Executor().Execute(action, "k1");
  EXPECT_EQ(outcome.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(outcome.status().message(), HasSubstr("169.254.169.254"));
  // Refused before any connect attempt (which would need the connect timeout to fail).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

TEST_F(HttpExecutorTest, OtherSpellingsOfTheMetadataAddressAreRefused) {
  // The real resolver: numeric host forms are decoded locally, no DNS traffic.
  HttpExecutor executor(policy_, nullptr, [](TimeMs) {});
  for (const char* url : {"http://2852039166/", "http://0xa9fea9fe/", "http://169.254.43518/",
                          "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/"}) {
    HttpAction action = Post("/");
    action.url = url;
    EXPECT_EQ(executor.Execute(action, "k1").status().code(), StatusCode::kPermissionDenied) << url;
  }
}

TEST_F(HttpExecutorTest, AllowListedNameResolvingToMetadataIsRefused) {
  HttpAction action = Post("/");
  action.url = "http://metadata.test/latest/meta-data/";  // allowed by name, any port
  auto outcome = Executor().Execute(action, "k1");
  EXPECT_EQ(outcome.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(outcome.status().message(), HasSubstr("never allowed"));
}

TEST_F(HttpExecutorTest, LoopbackPortOutsideAllowListIsRefusedWithoutConnecting) {
  RecordingServer other;  // a live server on a port the policy does not list
  other.server().Post("/", [](const httplib::Request&, httplib::Response&) {});
  HttpAction action = Post("/");
  action.url = other.Url("/");
  auto outcome = Executor().Execute(action, "k1");
  EXPECT_EQ(outcome.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(other.requests().empty());
}

TEST_F(HttpExecutorTest, AllowListedNameIsPinnedToCheckedAddress) {
  server_.server().Post("/routes", [](const httplib::Request&, httplib::Response&) {});
  HttpAction action = Post("/routes");
  action.url = "http://router.test:" + std::to_string(server_.port()) + "/routes";
  auto outcome = Executor().Execute(action, "k1");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 200);
  EXPECT_EQ(outcome->connected_address, "127.0.0.1");
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(HttpExecutorTest, OnlyHttpAndHttpsSchemes) {
  for (const char* url : {"file:///etc/passwd", "gopher://127.0.0.1/", "ftp://127.0.0.1/x",
                          "dict://127.0.0.1:11211/stat"}) {
    HttpAction action = Post("/");
    action.url = url;
    EXPECT_EQ(Executor().Execute(action, "k1").status().code(), StatusCode::kInvalidArgument)
        << url;
  }
}

TEST_F(HttpExecutorTest, HeaderInjectionIsRejected) {
  HttpAction action = Post("/");
  action.headers = {{"X-Note", "a\r\nX-Evil: 1"}};
  EXPECT_EQ(Executor().Execute(action, "k1").status().code(), StatusCode::kInvalidArgument);
  action.headers = {{"Bad Name", "v"}};
  EXPECT_EQ(Executor().Execute(action, "k1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(HttpExecutorTest, BigResponseIsCapped) {
  const std::string big(4 << 20, 'x');
  server_.server().Get("/big", [&big](const httplib::Request&, httplib::Response& res) {
    res.set_content(big, "text/plain");
  });
  policy_.max_response_bytes = 64 * 1024;
  HttpAction action = Post("/big");
  action.method = "GET";
  action.body.clear();
  auto outcome = Executor().Execute(action, "k1");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->status_code, 200);
  EXPECT_TRUE(outcome->body_truncated);
  EXPECT_EQ(outcome->body.size(), policy_.max_response_bytes);
}

TEST_F(HttpExecutorTest, SlowResponseTimesOutWithoutRetry) {
  server_.server().Post("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1'000));
    res.status = 503;
  });
  HttpAction action = Post("/slow");
  action.timeout_ms = 200;
  auto outcome = Executor().Execute(action, "k1");
  EXPECT_EQ(outcome.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(server_.requests().size(), 1u);
}

HttpPolicy Backoff(TimeMs initial_ms, TimeMs max_ms) {
  HttpPolicy policy;
  policy.initial_backoff_ms = initial_ms;
  policy.max_backoff_ms = max_ms;
  return policy;
}

// The exponential step of `attempt` is what RetryDelay returns with the largest possible draw
// modulo the spread: step/2 + (step - step/2) = step. Draw 0 gives the floor step/2.
struct StepCase {
  int attempt;
  TimeMs step;
};

TEST(RetryDelayTest, StepDoublesPerAttemptUpToTheCap) {
  const HttpPolicy policy = Backoff(250, 10'000);
  const StepCase cases[] = {{1, 250},   {2, 500},    {3, 1'000},  {4, 2'000},  {5, 4'000},
                            {6, 8'000}, {7, 10'000}, {8, 10'000}, {30, 10'000}};
  for (const StepCase& c : cases) {
    const auto spread = static_cast<std::uint64_t>(c.step - c.step / 2);
    EXPECT_EQ(RetryDelay(policy, c.attempt, 0), c.step / 2) << "attempt " << c.attempt;
    EXPECT_EQ(RetryDelay(policy, c.attempt, spread), c.step) << "attempt " << c.attempt;
    // The draw wraps modulo spread + 1: one more is the floor again.
    EXPECT_EQ(RetryDelay(policy, c.attempt, spread + 1), c.step / 2) << "attempt " << c.attempt;
  }
}

TEST(RetryDelayTest, JitterStaysWithinHalfStepToStepForManySeeds) {
  const HttpPolicy policy = Backoff(100, 5'000);
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 engine(seed);
    for (int attempt = 1; attempt <= 10; ++attempt) {
      const TimeMs step = std::min<TimeMs>(100LL << (attempt - 1), 5'000);
      const TimeMs delay = RetryDelay(policy, attempt, engine());
      EXPECT_GE(delay, step / 2) << "seed " << seed << " attempt " << attempt;
      EXPECT_LE(delay, step) << "seed " << seed << " attempt " << attempt;
    }
  }
}

TEST(RetryDelayTest, DifferentSeedsGiveDifferentDelaysSoTheJitterIsReal) {
  const HttpPolicy policy = Backoff(1'000, 60'000);
  std::set<TimeMs> first_retry;
  std::set<TimeMs> fourth_retry;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    std::mt19937_64 engine(seed);
    first_retry.insert(RetryDelay(policy, 1, engine()));
    fourth_retry.insert(RetryDelay(policy, 4, engine()));
  }
  // 50 uniform draws over 501 (and 4001) values: all alike would mean no jitter at all; a healthy
  // spread covers most of the range.
  EXPECT_GE(first_retry.size(), 40u);
  EXPECT_GE(fourth_retry.size(), 45u);
  EXPECT_LT(*first_retry.begin(), 650);
  EXPECT_GT(*first_retry.rbegin(), 850);
}

TEST(RetryDelayTest, AttemptZeroAndNegativeCountAsTheFirstRetry) {
  const HttpPolicy policy = Backoff(400, 10'000);
  for (std::uint64_t draw : {0ULL, 7ULL, 200ULL, 12345ULL}) {
    EXPECT_EQ(RetryDelay(policy, 0, draw), RetryDelay(policy, 1, draw)) << draw;
    EXPECT_EQ(RetryDelay(policy, -3, draw), RetryDelay(policy, 1, draw)) << draw;
  }
  EXPECT_EQ(RetryDelay(policy, 1, 0), 200);
  EXPECT_EQ(RetryDelay(policy, 1, 200), 400);
}

TEST(RetryDelayTest, HugeAttemptsAndCapsSaturateWithoutOverflow) {
  constexpr TimeMs kMax = std::numeric_limits<TimeMs>::max();
  constexpr std::uint64_t kDraw = std::numeric_limits<std::uint64_t>::max();
  const HttpPolicy capped = Backoff(250, 10'000);
  EXPECT_EQ(RetryDelay(capped, std::numeric_limits<int>::max(), 0), 5'000);
  EXPECT_LE(RetryDelay(capped, std::numeric_limits<int>::max(), kDraw), 10'000);
  // An effectively uncapped policy: doubling stops at the cap instead of wrapping negative.
  const HttpPolicy uncapped = Backoff(250, kMax);
  for (int attempt : {40, 62, 63, 64, 100, std::numeric_limits<int>::max()}) {
    const TimeMs delay = RetryDelay(uncapped, attempt, kDraw);
    EXPECT_GE(delay, RetryDelay(uncapped, attempt, 0)) << attempt;
    EXPECT_GT(RetryDelay(uncapped, attempt, 0), 0) << attempt;
  }
  EXPECT_EQ(RetryDelay(uncapped, 100, 0), kMax / 2);
  EXPECT_EQ(RetryDelay(Backoff(kMax, kMax), 1, 0), kMax / 2);
}

TEST(RetryDelayTest, DegeneratePoliciesNeverWaitNegativeOrBeyondTheCap) {
  // A zero initial step means "retry at once", a cap below the initial step wins, a negative
  // setting counts as zero.
  EXPECT_EQ(RetryDelay(Backoff(0, 10'000), 5, 99), 0);
  EXPECT_EQ(RetryDelay(Backoff(0, 10'000), std::numeric_limits<int>::max(), 99), 0);
  EXPECT_EQ(RetryDelay(Backoff(5'000, 1'000), 1, 0), 500);
  EXPECT_LE(RetryDelay(Backoff(5'000, 1'000), 3, 777), 1'000);
  EXPECT_EQ(RetryDelay(Backoff(-10, 1'000), 2, 5), 0);
  EXPECT_EQ(RetryDelay(Backoff(100, -1), 2, 5), 0);
}

TEST(EgressPolicyTest, RulesMatchHostsAddressesAndPorts) {
  auto policy = EgressPolicy::Parse(
      {"router.internal:8080", "*.flags.internal:443", "10.20.0.0/16:*", "[fd12::/16]:80"});
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto ip = [](const char* text) { return *IpAddress::Parse(text); };
  struct Case {
    const char* host;
    const char* address;
    int port;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {"router.internal", "192.168.1.5", 8080, true},
      {"ROUTER.internal", "192.168.1.5", 8080, true},
      {"router.internal", "192.168.1.5", 8081, false},
      {"a.flags.internal", "192.168.1.6", 443, true},
      {"flags.internal", "192.168.1.6", 443, false},
      {"evilflags.internal", "192.168.1.6", 443, false},
      {"anything", "10.20.3.4", 9999, true},
      {"anything", "10.21.0.1", 9999, false},
      {"anything", "::ffff:10.20.3.4", 1, true},  // mapped form is the same address
      {"anything", "fd12::1", 80, true},
      {"anything", "fd12::1", 81, false},
      {"router.internal", "169.254.169.254", 8080, false},  // deny ranges beat host rules
      {"router.internal", "::ffff:169.254.169.254", 8080, false},
      {"router.internal", "0.0.0.0", 8080, false},
      {"router.internal", "fe80::1", 8080, false},
  };
  for (const auto& test_case : cases) {
    EXPECT_EQ(policy->Check(test_case.host, ip(test_case.address), test_case.port).ok(),
              test_case.allowed)
        << test_case.host << " " << test_case.address << ":" << test_case.port;
  }
}

TEST(EgressPolicyTest, MalformedRulesAreRejected) {
  for (const char* rule : {"router.internal", "10.0.0.0/33:80", "host:0", "host:x", "bad host:80",
                           "name/8:80", "[::1:80"}) {
    EXPECT_EQ(EgressPolicy::Parse({rule}).status().code(), StatusCode::kInvalidArgument) << rule;
  }
}

}  // namespace
}  // namespace vakt::action
