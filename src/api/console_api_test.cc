// The web console's server side over real HTTP on 127.0.0.1: session login with cookie and CSRF,
// token minting, the live event stream and the static console with its headers.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "api/auth_guard.h"
#include "api/event_stream.h"
#include "api/http_server.h"
#include "api/session_routes.h"
#include "api/token_routes.h"
#include "api/web_routes.h"
#include "auth/session.h"
#include "storage/sql_audit_append.h"
#include "storage/sql_event_feed.h"
#include "storage/sql_incident_store.h"

namespace vakt::api {
namespace {

namespace fs = std::filesystem;

// ConsoleServer runs the console's routes on a real loopback listener over a SQLite file.
class ConsoleServer {
 public:
  explicit ConsoleServer(EventStreamOptions stream_options = {}) {
    dir_ = fs::temp_directory_path() /
           ("vakt-console-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "web" / "assets");
    std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>vakt</title>";
    std::ofstream(dir_ / "web" / "assets" / "index-abc123.js") << "console.log(1)";
    std::ofstream(dir_ / "secret.txt") << "outside the web root";
    database_ = std::move(*storage::OpenDatabase("sqlite:" + (dir_ / "vakt.db").string()));
    incidents_ = std::make_unique<storage::SqlIncidentStore>(*database_);
    tokens_ = std::make_unique<auth::TokenService>(*database_, clock_);
    sessions_ = std::make_unique<auth::SessionService>(*tokens_, clock_);
    AttachSessions(*tokens_, sessions_.get());
    admin_token_ = *tokens_->CreateToken("admin", auth::Role::kAdmin);
    viewer_token_ = *tokens_->CreateToken("vera", auth::Role::kViewer);
    stream_ = std::make_unique<EventStream>(*database_, stream_options);
    http_ = std::make_unique<HttpServer>(HttpServerOptions{}, metrics_);
    RegisterSessionRoutes(*http_, {sessions_.get(), tokens_.get(), database_.get(), &clock_});
    RegisterTokenRoutes(*http_, {tokens_.get(), database_.get(), &clock_});
    RegisterEventStreamRoutes(*http_, *stream_, *tokens_);
    RegisterWebRoutes(*http_, (dir_ / "web").string());
    EXPECT_TRUE(stream_->Start().ok());
    port_ = *http_->Bind("127.0.0.1", 0);
    serve_ = std::thread([this] { http_->Serve(); });
    WaitUntilServing();
  }
  ~ConsoleServer() {
    stream_->Stop();
    http_->Stop();
    if (serve_.joinable()) serve_.join();
    AttachSessions(*tokens_, nullptr);
    http_.reset();
    stream_.reset();
    sessions_.reset();
    tokens_.reset();
    incidents_.reset();
    database_.reset();
    fs::remove_all(dir_);
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(5, 0);
    return client;
  }

  // AddEvent opens an incident (one `opened` event) and returns that event's id.
  std::int64_t AddEvent() {
    Incident draft;
    draft.title = "drift";
    draft.severity = "critical";
    draft.group_key = "g" + std::to_string(++groups_);
    draft.created_at = clock_.NowMs();
    draft.updated_at = clock_.NowMs();
    IncidentEvent opened;
    opened.time = clock_.NowMs();
    opened.actor = "vakt";
    opened.kind = "opened";
    opened.to_state = "triggered";
    EXPECT_TRUE(incidents_->CreateIncident(draft, {}, opened).ok());
    return *storage::LatestEventId(*database_);
  }

  // Audit appends one audit record, as a step transition or evidence capture would.
  void Audit(const std::string& action, const std::string& subject) {
    audit::AuditEvent event{"user:rita", action, subject, nlohmann::json::object(), ""};
    ASSERT_TRUE(storage::RecordAuditEvent(*database_, event, clock_.NowMs()).ok());
  }
  auth::TokenService& tokens() { return *tokens_; }

  FakeClock& clock() { return clock_; }
  EventStream& stream() { return *stream_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::string& viewer_token() const { return viewer_token_; }

 private:
  void WaitUntilServing() {
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto client = Client();
      if (client.Get("/healthz-probe")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  fs::path dir_;
  FakeClock clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::SqlIncidentStore> incidents_;
  std::unique_ptr<auth::TokenService> tokens_;
  std::unique_ptr<auth::SessionService> sessions_;
  std::unique_ptr<EventStream> stream_;
  std::unique_ptr<HttpServer> http_;
  std::thread serve_;
  int port_ = 0;
  int groups_ = 0;
  std::string admin_token_;
  std::string viewer_token_;
};

struct Login {
  std::string cookie;  // "vakt_session=…"
  std::string csrf;
  std::string set_cookie;
};

Login LogIn(const ConsoleServer& server, const std::string& token) {
  auto client = server.Client();
  auto response =
      client.Post("/api/v1/session", nlohmann::json({{"token", token}}).dump(), "application/json");
  EXPECT_TRUE(response);
  EXPECT_EQ(response->status, 201) << response->body;
  Login login;
  login.set_cookie = response->get_header_value("Set-Cookie");
  login.cookie = login.set_cookie.substr(0, login.set_cookie.find(';'));
  login.csrf = nlohmann::json::parse(response->body).at("csrf_token");
  return login;
}

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::string ReadStream(const ConsoleServer& server, httplib::Headers headers,
                       const std::string& until, int seconds = 5, int* status = nullptr);

std::string MintBody(const std::string& name) {
  return nlohmann::json({{"name", name}, {"role", "responder"}}).dump();
}

TEST(ConsoleSessionTest, LoginSetsAnHttpOnlyStrictCookieAndReturnsRoleAndCsrfButNoToken) {
  ConsoleServer server;
  Login login = LogIn(server, server.admin_token());
  EXPECT_NE(login.set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(login.set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(login.set_cookie.find("Path=/"), std::string::npos);
  EXPECT_NE(login.set_cookie.find("Max-Age="), std::string::npos);
  EXPECT_EQ(login.cookie.find(server.admin_token()), std::string::npos);
  auto client = server.Client();
  auto me = client.Get("/api/v1/session", {{"Cookie", login.cookie}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  auto body = nlohmann::json::parse(me->body);
  EXPECT_EQ(body["name"], "admin");
  EXPECT_EQ(body["role"], "admin");
  EXPECT_EQ(body["csrf_token"], login.csrf);
  EXPECT_EQ(me->body.find(server.admin_token()), std::string::npos);
}

TEST(ConsoleSessionTest, BadTokenIsRefusedWithoutACookie) {
  ConsoleServer server;
  auto client = server.Client();
  auto response = client.Post("/api/v1/session", R"({"token":"vakt_nope"})", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_FALSE(response->has_header("Set-Cookie"));
  auto missing = client.Post("/api/v1/session", R"({})", "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_NE(missing->body.find("token"), std::string::npos);
}

TEST(ConsoleSessionTest, CookieMutationNeedsTheSessionsCsrfToken) {
  ConsoleServer server;
  Login login = LogIn(server, server.admin_token());
  auto client = server.Client();
  auto without =
      client.Post("/api/v1/tokens", {{"Cookie", login.cookie}}, MintBody("a"), "application/json");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 403);
  EXPECT_NE(without->body.find("X-CSRF-Token"), std::string::npos);
  auto wrong = client.Post("/api/v1/tokens", {{"Cookie", login.cookie}, {"X-CSRF-Token", "0000"}},
                           MintBody("a"), "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto right =
      client.Post("/api/v1/tokens", {{"Cookie", login.cookie}, {"X-CSRF-Token", login.csrf}},
                  MintBody("a"), "application/json");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 201) << right->body;
}

TEST(ConsoleSessionTest, BearerCallersNeedNoCsrfAndRolesStillApply) {
  ConsoleServer server;
  auto client = server.Client();
  auto minted = client.Post("/api/v1/tokens", {{"Authorization", "Bearer " + server.admin_token()}},
                            MintBody("rita"), "application/json");
  ASSERT_TRUE(minted);
  ASSERT_EQ(minted->status, 201) << minted->body;
  std::string rita = nlohmann::json::parse(minted->body).at("token");
  auto again = client.Post("/api/v1/tokens", {{"Authorization", "Bearer " + rita}}, MintBody("x"),
                           "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 403);
  Login viewer = LogIn(server, server.viewer_token());
  auto by_viewer =
      client.Post("/api/v1/tokens", {{"Cookie", viewer.cookie}, {"X-CSRF-Token", viewer.csrf}},
                  MintBody("y"), "application/json");
  ASSERT_TRUE(by_viewer);
  EXPECT_EQ(by_viewer->status, 403);
  auto bad_role =
      client.Post("/api/v1/tokens", {{"Authorization", "Bearer " + server.admin_token()}},
                  R"({"name":"z","role":"root"})", "application/json");
  ASSERT_TRUE(bad_role);
  EXPECT_EQ(bad_role->status, 400);
  EXPECT_NE(bad_role->body.find("role"), std::string::npos);
}

TEST(ConsoleSessionTest, SessionsExpireAndLogoutEndsThem) {
  ConsoleServer server;
  Login first = LogIn(server, server.admin_token());
  Login second = LogIn(server, server.admin_token());
  auto client = server.Client();
  auto logout =
      client.Delete("/api/v1/session", {{"Cookie", first.cookie}, {"X-CSRF-Token", first.csrf}});
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 204);
  EXPECT_NE(logout->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(client.Get("/api/v1/session", {{"Cookie", first.cookie}})->status, 401);
  EXPECT_EQ(client.Get("/api/v1/session", {{"Cookie", second.cookie}})->status, 200);
  server.clock().Advance(13LL * 3600 * 1000);
  EXPECT_EQ(client.Get("/api/v1/session", {{"Cookie", second.cookie}})->status, 401);
  auto stale =
      client.Post("/api/v1/tokens", {{"Cookie", second.cookie}, {"X-CSRF-Token", second.csrf}},
                  MintBody("late"), "application/json");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 401);
}

TEST(ConsoleSessionTest, RevokingTheTokenEndsTheSessionsItOpened) {
  ConsoleServer server;
  auto client = server.Client();
  auto minted = client.Post("/api/v1/tokens", Bearer(server.admin_token()), MintBody("rita"),
                            "application/json");
  ASSERT_TRUE(minted);
  ASSERT_EQ(minted->status, 201) << minted->body;
  Login rita = LogIn(server, nlohmann::json::parse(minted->body).at("token"));
  Login vera = LogIn(server, server.viewer_token());
  ASSERT_EQ(client.Get("/api/v1/session", {{"Cookie", rita.cookie}})->status, 200);

  auto by_viewer =
      client.Delete("/api/v1/tokens/rita", {{"Cookie", vera.cookie}, {"X-CSRF-Token", vera.csrf}});
  ASSERT_TRUE(by_viewer);
  EXPECT_EQ(by_viewer->status, 403);
  auto revoked = client.Delete("/api/v1/tokens/rita", Bearer(server.admin_token()));
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 204) << revoked->body;

  // The cookie itself is still in the browser: the server must refuse it, for reads and streams.
  EXPECT_EQ(client.Get("/api/v1/session", {{"Cookie", rita.cookie}})->status, 401);
  int status = 0;
  ReadStream(server, {{"Cookie", rita.cookie}}, "never", 1, &status);
  EXPECT_EQ(status, 401);
  // Other people's sessions are untouched; revoking again names what is missing.
  EXPECT_EQ(client.Get("/api/v1/session", {{"Cookie", vera.cookie}})->status, 200);
  auto again = client.Delete("/api/v1/tokens/rita", Bearer(server.admin_token()));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  EXPECT_NE(again->body.find("rita"), std::string::npos);
}

TEST(ConsoleSessionTest, ReMintingATokenWithAnotherRoleDoesNotReviveTheOldSession) {
  ConsoleServer server;
  auto rita_token = server.tokens().CreateToken("rita", auth::Role::kAdmin);
  ASSERT_TRUE(rita_token.ok());
  Login rita = LogIn(server, *rita_token);
  ASSERT_TRUE(server.tokens().Revoke("rita").ok());
  ASSERT_TRUE(server.tokens().CreateToken("rita", auth::Role::kViewer).ok());
  // Same name, new token: the session opened with the old one stays ended.
  EXPECT_EQ(server.Client().Get("/api/v1/session", {{"Cookie", rita.cookie}})->status, 401);
}

TEST(ConsoleSessionTest, SessionIdIsReadFromAmongOtherCookies) {
  EXPECT_EQ(auth::SessionIdFromCookieHeader("a=1; vakt_session=abc; b=2"), "abc");
  EXPECT_EQ(auth::SessionIdFromCookieHeader("vakt_session=xyz"), "xyz");
  EXPECT_EQ(auth::SessionIdFromCookieHeader("other_vakt_session=abc"), "");
  EXPECT_EQ(auth::SessionIdFromCookieHeader(""), "");
}

// ReadStream reads GET /api/v1/stream until `until` appears in the body or `seconds` pass.
std::string ReadStream(const ConsoleServer& server, httplib::Headers headers,
                       const std::string& until, int seconds, int* status) {
  auto client = server.Client();
  std::string body;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  auto response = client.Get(
      "/api/v1/stream", headers,
      [&](const httplib::Response& r) {
        if (status != nullptr) *status = r.status;
        return true;
      },
      [&](const char* data, size_t length) {
        body.append(data, length);
        return body.find(until) == std::string::npos && std::chrono::steady_clock::now() < deadline;
      });
  if (response && status != nullptr) *status = response->status;
  if (response && response->status != 200) body += response->body;
  return body;
}

TEST(ConsoleEventStreamTest, NewIncidentEventsReachAnOpenStreamWithTheirIds) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50});
  std::atomic<std::int64_t> added{0};
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    added = server.AddEvent();
  });
  std::string body = ReadStream(server, Bearer(server.viewer_token()), "event: incident");
  writer.join();
  EXPECT_NE(body.find("retry: "), std::string::npos);
  EXPECT_TRUE(std::regex_search(body, std::regex("id: " + std::to_string(added.load()) +
                                                 "\\.[0-9]+\nevent: incident\ndata: \\{")))
      << body;
  EXPECT_NE(body.find(R"("kind":"opened")"), std::string::npos);
}

TEST(ConsoleEventStreamTest, LastEventIdResumesWithWhatWasMissed) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50});
  std::int64_t first = server.AddEvent();
  std::int64_t second = server.AddEvent();
  auto headers = Bearer(server.viewer_token());
  headers.emplace("Last-Event-ID", std::to_string(first));
  std::string body = ReadStream(server, headers, "id: " + std::to_string(second) + ".");
  EXPECT_NE(body.find("id: " + std::to_string(second) + "."), std::string::npos) << body;
  EXPECT_EQ(body.find("id: " + std::to_string(first) + "."), std::string::npos) << body;
}

TEST(ConsoleEventStreamTest, AuditRecordsNamingAnIncidentReachTheStreamAndResume) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50});
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.Audit("token.create", "token/mallory");
    server.Audit("step.approved", "step/INC-7/rollback-champion-alias");
  });
  std::string body = ReadStream(server, Bearer(server.viewer_token()), "step.approved");
  writer.join();
  std::smatch frame;
  ASSERT_TRUE(std::regex_search(
      body, frame, std::regex("id: ([0-9]+\\.[0-9]+)\nevent: audit\ndata: (\\{[^\n]*\\})")))
      << body;
  auto data = nlohmann::json::parse(frame[2].str());
  EXPECT_EQ(data.at("incident"), "INC-7");
  EXPECT_EQ(data.at("action"), "step.approved");
  EXPECT_EQ(data.at("subject"), "step/INC-7/rollback-champion-alias");
  // Records about no incident (tokens, sessions) are not announced to every console.
  EXPECT_EQ(body.find("mallory"), std::string::npos) << body;

  // Resuming from that id brings only what came after it.
  server.Audit("evidence.captured", "incident/INC-7");
  auto headers = Bearer(server.viewer_token());
  headers.emplace("Last-Event-ID", frame[1].str());
  std::string resumed = ReadStream(server, headers, "evidence.captured");
  EXPECT_NE(resumed.find(R"("action":"evidence.captured")"), std::string::npos) << resumed;
  EXPECT_EQ(resumed.find("step.approved"), std::string::npos) << resumed;
}

TEST(ConsoleEventStreamTest, AnOpenStreamEndsWhenItsTokenIsRevoked) {
  // Heartbeats every 200 ms keep the client's 5 s read timeout from ending the stream itself.
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50, .heartbeat_ms = 200});
  auto rita = server.tokens().CreateToken("rita", auth::Role::kResponder);
  ASSERT_TRUE(rita.ok());
  Login login = LogIn(server, *rita);
  std::thread revoker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_TRUE(server.tokens().Revoke("rita").ok());
  });
  auto started = std::chrono::steady_clock::now();
  // Reads until the server ends the stream (or 20 s pass, which would be the failure).
  std::string body = ReadStream(server, {{"Cookie", login.cookie}}, "never", 20);
  revoker.join();
  EXPECT_NE(body.find(": connected"), std::string::npos) << body;
  EXPECT_NE(body.find(": heartbeat"), std::string::npos) << body;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(ConsoleEventStreamTest, MalformedLastEventIdIsRefused) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50});
  for (const char* bad : {"abc", "1.", ".1", "-1", "1.2.3", "1.-2"}) {
    auto headers = Bearer(server.viewer_token());
    headers.emplace("Last-Event-ID", bad);
    int status = 0;
    ReadStream(server, headers, "never", 1, &status);
    EXPECT_EQ(status, 400) << bad;
  }
}

TEST(ConsoleEventStreamTest, IncidentKeysAreFoundInAuditSubjects) {
  EXPECT_EQ(IncidentKeyInSubject("incident/INC-12"), "INC-12");
  EXPECT_EQ(IncidentKeyInSubject("step/INC-3/rollback"), "INC-3");
  EXPECT_EQ(IncidentKeyInSubject("notification/step:INC-44:notify:0"), "INC-44");
  EXPECT_EQ(IncidentKeyInSubject("runbook/XINC-4"), "");
  EXPECT_EQ(IncidentKeyInSubject("token/INC-"), "");
  EXPECT_EQ(IncidentKeyInSubject("session/rita"), "");
}

TEST(ConsoleEventStreamTest, ResumingAfterARestartReplaysWhatIsStored) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50});
  std::int64_t first = server.AddEvent();
  server.Audit("step.approved", "step/INC-9/rollback-champion-alias");
  std::int64_t second = server.AddEvent();
  // vakt restarts: the new stream knows only what the database holds, and seeds its backlog
  // from it, so a browser reconnecting with its last id gets what it missed, not a resync.
  server.stream().Stop();
  ASSERT_TRUE(server.stream().Start().ok());
  auto headers = Bearer(server.viewer_token());
  headers.emplace("Last-Event-ID", std::to_string(first) + ".0");
  std::string body = ReadStream(server, headers, "id: " + std::to_string(second) + ".");
  EXPECT_NE(body.find("id: " + std::to_string(second) + "."), std::string::npos) << body;
  EXPECT_NE(body.find(R"("action":"step.approved")"), std::string::npos) << body;
  EXPECT_EQ(body.find("id: " + std::to_string(first) + "."), std::string::npos) << body;
  EXPECT_EQ(body.find("event: resync"), std::string::npos) << body;
  // A stream opened without Last-Event-ID starts from now: nothing stored is replayed to it.
  std::int64_t third = 0;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    third = server.AddEvent();
  });
  std::string fresh = ReadStream(server, Bearer(server.viewer_token()), "event: incident");
  writer.join();
  EXPECT_EQ(fresh.find("step.approved"), std::string::npos) << fresh;
  EXPECT_EQ(fresh.find("id: " + std::to_string(second) + "."), std::string::npos) << fresh;
  EXPECT_NE(fresh.find("id: " + std::to_string(third) + "."), std::string::npos) << fresh;
}

TEST(ConsoleEventStreamTest, ResumingFromBeforeTheBacklogAsksTheBrowserToResync) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50, .backlog = 2});
  for (int idx = 0; idx < 4; ++idx) server.AddEvent();
  // Let the watcher take in all four (the backlog keeps the newest two).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto headers = Bearer(server.viewer_token());
  headers.emplace("Last-Event-ID", "0");
  std::string body = ReadStream(server, headers, "event: resync");
  EXPECT_NE(body.find("event: resync"), std::string::npos) << body;
}

TEST(ConsoleEventStreamTest, StreamNeedsAuthenticationAndIsBoundedInClients) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50, .max_clients = 1});
  int status = 0;
  ReadStream(server, {}, "never", 1, &status);
  EXPECT_EQ(status, 401);
  std::atomic<bool> first_open{false};
  std::thread holder([&] {
    auto client = server.Client();
    client.Get("/api/v1/stream", Bearer(server.viewer_token()), [&](const char*, size_t) {
      first_open = true;
      return server.stream().clients() > 0 && first_open;  // hold until the test ends it below
    });
  });
  for (int attempt = 0; attempt < 100 && !first_open; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(first_open);
  ReadStream(server, Bearer(server.viewer_token()), "never", 1, &status);
  EXPECT_EQ(status, 503);
  server.stream().Stop();  // ends the held stream
  holder.join();
}

TEST(ConsoleEventStreamTest, StopEndsOpenStreamsPromptly) {
  ConsoleServer server(EventStreamOptions{.poll_interval_ms = 50, .heartbeat_ms = 60000});
  std::atomic<bool> connected{false};
  std::atomic<bool> ended{false};
  std::thread reader([&] {
    auto client = server.Client();
    client.set_read_timeout(30, 0);
    client.Get("/api/v1/stream", Bearer(server.viewer_token()), [&](const char*, size_t) {
      connected = true;
      return true;
    });
    ended = true;
  });
  for (int attempt = 0; attempt < 100 && !connected; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(connected);
  auto stopped_at = std::chrono::steady_clock::now();
  server.stream().Stop();
  for (int attempt = 0; attempt < 150 && !ended; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(ended) << "an open stream still holds its worker after Stop";
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, std::chrono::seconds(3));
  reader.join();
}

TEST(ConsoleWebRoutesTest, ClientRoutesGetIndexWithStrictSecurityHeaders) {
  ConsoleServer server;
  auto client = server.Client();
  for (const char* path : {"/", "/incidents/INC-4", "/oncall"}) {
    auto response = client.Get(path);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << path;
    EXPECT_NE(response->body.find("<title>vakt</title>"), std::string::npos) << path;
    std::string csp = response->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(response->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(response->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(response->get_header_value("Cache-Control"), "no-cache");
  }
}

TEST(ConsoleWebRoutesTest, HashedAssetsAreCachedForAYearAndMissingFilesAre404) {
  ConsoleServer server;
  auto client = server.Client();
  auto asset = client.Get("/assets/index-abc123.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->body, "console.log(1)");
  EXPECT_EQ(asset->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  auto missing = client.Get("/assets/index-gone.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body.find("<title>"), std::string::npos);
}

TEST(ConsoleWebRoutesTest, NothingOutsideTheWebRootAndNoApiPathIsServed) {
  ConsoleServer server;
  auto client = server.Client();
  auto escaped = client.Get("/%2e%2e/secret.txt");
  ASSERT_TRUE(escaped);
  EXPECT_NE(escaped->status, 200);
  EXPECT_EQ(escaped->body.find("outside the web root"), std::string::npos);
  auto api = client.Get("/api/v1/no-such-thing");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(api->body.find("<title>"), std::string::npos);
}

}  // namespace
}  // namespace vakt::api
