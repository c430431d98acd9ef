// The evidence store's API over real HTTP on 127.0.0.1 (issue 7): retention classes and legal
// holds as audited records, the retention sweep on demand, and listing as an audited read.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/evidence_retention_sweeper.h"
#include "api/evidence_routes.h"
#include "audit/audit_record.h"
#include "storage/sql_audit_leaf_store.h"
#include "storage/sql_evidence_store.h"
#include "storage/sql_incident_store.h"

namespace vakt::api {
namespace {

namespace fs = std::filesystem;
using evidence::kDay;

// EvidenceServer runs the evidence routes on a loopback listener over a SQLite file, with one
// open incident (INC-1) and tokens for each role.
class EvidenceServer {
 public:
  EvidenceServer() {
    dir_ = fs::temp_directory_path() /
           ("vakt-evidence-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    database_ = std::move(*storage::OpenDatabase("sqlite:" + (dir_ / "vakt.db").string()));
    incidents_ = std::make_unique<storage::SqlIncidentStore>(*database_);
    blobs_ = std::move(*evidence::FileEvidenceStore::Open(dir_ / "evidence"));
    evidence_ = std::make_unique<storage::SqlEvidenceStore>(*database_, *blobs_);
    tokens_ = std::make_unique<auth::TokenService>(*database_, clock_);
    admin_ = *tokens_->CreateToken("ada", auth::Role::kAdmin);
    responder_ = *tokens_->CreateToken("rita", auth::Role::kResponder);
    viewer_ = *tokens_->CreateToken("vera", auth::Role::kViewer);
    OpenIncident();
    http_ = std::make_unique<HttpServer>(HttpServerOptions{}, metrics_);
    context_.evidence = evidence_.get();
    context_.tokens = tokens_.get();
    context_.database = database_.get();
    context_.clock = &clock_;
    context_.incidents = incidents_.get();
    RegisterEvidenceRoutes(*http_, context_);
    port_ = *http_->Bind("127.0.0.1", 0);
    serve_ = std::thread([this] { http_->Serve(); });
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (Client().Get("/healthz-probe")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~EvidenceServer() {
    http_->Stop();
    if (serve_.joinable()) serve_.join();
    http_.reset();
    tokens_.reset();
    evidence_.reset();
    blobs_.reset();
    incidents_.reset();
    database_.reset();
    fs::remove_all(dir_);
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(5, 0);
    return client;
  }

  // Capture stores `bytes` as evidence of INC-1 captured now.
  std::string Capture(const std::string& bytes) {
    evidence::EvidenceMetadata metadata;
    metadata.incident_id = "INC-1";
    metadata.step_id = "capture";
    metadata.collector = "command";
    metadata.name = "state";
    metadata.created_by = "system";
    metadata.time = clock_.NowMs();
    auto sha = evidence_->Put(bytes, metadata);
    EXPECT_TRUE(sha.ok()) << sha.status().ToString();
    return sha.ok() ? *sha : "";
  }

  // Records returns the audit records about `subject` with `action`, in log order.
  std::vector<audit::AuditRecord> Records(const std::string& subject, const std::string& action) {
    storage::SqlAuditLeafStore audit(*database_);
    storage::AuditRecordQuery query;
    query.subjects = {subject};
    query.limit = 1000;
    std::vector<audit::AuditRecord> out;
    auto leaves = audit.FindRecords(query);
    EXPECT_TRUE(leaves.ok());
    for (const auto& leaf : *leaves) {
      auto record = audit::ParseAuditRecord(leaf.data);
      if (record.ok() && record->event.action == action) out.push_back(*record);
    }
    return out;
  }

  FakeClock& clock() { return clock_; }
  const EvidenceRoutesContext& context() const { return context_; }
  const std::string& admin() const { return admin_; }
  const std::string& responder() const { return responder_; }
  const std::string& viewer() const { return viewer_; }

 private:
  void OpenIncident() {
    Incident draft;
    draft.title = "drift";
    draft.severity = "critical";
    draft.group_key = "g1";
    draft.created_at = clock_.NowMs();
    draft.updated_at = clock_.NowMs();
    IncidentEvent opened;
    opened.time = clock_.NowMs();
    opened.actor = "vakt";
    opened.kind = "opened";
    opened.to_state = "triggered";
    auto created = incidents_->CreateIncident(draft, {}, opened);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_EQ(created->Key(), "INC-1");
  }

  fs::path dir_;
  FakeClock clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::SqlIncidentStore> incidents_;
  std::unique_ptr<evidence::FileEvidenceStore> blobs_;
  std::unique_ptr<storage::SqlEvidenceStore> evidence_;
  std::unique_ptr<auth::TokenService> tokens_;
  EvidenceRoutesContext context_;
  std::unique_ptr<HttpServer> http_;
  std::thread serve_;
  int port_ = 0;
  std::string admin_, responder_, viewer_;
};

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

struct Answer {
  int status = 0;
  nlohmann::json body;
};

Answer Send(const EvidenceServer& server, const std::string& method, const std::string& path,
            const std::string& token, const nlohmann::json& body = nullptr) {
  auto client = server.Client();
  httplib::Result result =
      method == "GET" ? client.Get(path, Bearer(token))
      : method == "PUT"
          ? client.Put(path, Bearer(token), body.dump(), "application/json")
          : client.Post(path, Bearer(token), body.is_null() ? "" : body.dump(), "application/json");
  EXPECT_TRUE(result) << method << " " << path;
  if (!result) return {};
  return {result->status, nlohmann::json::parse(result->body, nullptr, false)};
}

std::string RetentionPath(const std::string& sha) {
  return "/api/v1/incidents/INC-1/evidence/" + sha + "/retention";
}

// CaptureExpiredScratch captures evidence, classes it transient and moves the clock past the
// 30-day transient period, so the next sweep purges it (unless something holds it).
std::string CaptureExpiredScratch(EvidenceServer& server) {
  const std::string sha = server.Capture("scratch output");
  EXPECT_EQ(Send(server, "PUT", RetentionPath(sha), server.responder(),
                 {{"class", "transient"}, {"reason", "scratch"}})
                .status,
            200);
  server.clock().Advance(31 * kDay);
  return sha;
}

// FieldsOf lists the `field` of each problem+json error.
std::vector<std::string> FieldsOf(const nlohmann::json& problem) {
  std::vector<std::string> fields;
  if (problem.is_object() && problem.contains("errors")) {
    for (const auto& error : problem["errors"]) fields.push_back(error.value("field", ""));
  }
  return fields;
}

TEST(EvidenceApiTest, ASetRetentionClassIsListedWithTheIncidentsLegalHold) {
  EvidenceServer server;
  const std::string kept = server.Capture("loss curve");
  const std::string scratch = server.Capture("scratch output");

  Answer set = Send(server, "PUT", RetentionPath(scratch), server.responder(),
                    {{"class", "transient"}, {"reason", "scratch output, no value after triage"}});
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_TRUE(set.body["audit_seq"].is_number_unsigned()) << set.body.dump();

  Answer list = Send(server, "GET", "/api/v1/incidents/INC-1/evidence", server.viewer());
  ASSERT_EQ(list.status, 200) << list.body.dump();
  EXPECT_EQ(list.body["legal_hold"], false);
  std::map<std::string, std::string> class_of;
  for (const auto& item : list.body["evidence"]) class_of[item["sha256"]] = item["retention_class"];
  EXPECT_EQ(class_of[scratch], "transient");
  EXPECT_EQ(class_of[kept], "standard");

  auto records = server.Records("incident/INC-1", "evidence.retention_set");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].event.actor, "rita");
  EXPECT_EQ(records[0].event.digest, scratch);
}

TEST(EvidenceApiTest, BadRetentionRequestsAre400NamingTheFieldAndUnknownCapturesAre404) {
  EvidenceServer server;
  const std::string sha = server.Capture("loss curve");

  Answer bad_class = Send(server, "PUT", RetentionPath(sha), server.responder(),
                          {{"class", "forever"}, {"reason", "keep"}});
  EXPECT_EQ(bad_class.status, 400);
  EXPECT_EQ(FieldsOf(bad_class.body), std::vector<std::string>{"class"}) << bad_class.body.dump();

  Answer no_reason = Send(server, "PUT", RetentionPath(sha), server.responder(),
                          {{"class", "transient"}, {"reason", ""}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(FieldsOf(no_reason.body), std::vector<std::string>{"reason"}) << no_reason.body.dump();

  Answer bad_hash = Send(server, "PUT", RetentionPath("ABC"), server.responder(),
                         {{"class", "transient"}, {"reason", "x"}});
  EXPECT_EQ(bad_hash.status, 400);
  EXPECT_EQ(FieldsOf(bad_hash.body), std::vector<std::string>{"sha256"}) << bad_hash.body.dump();

  Answer unknown_key = Send(server, "PUT", RetentionPath(sha), server.responder(),
                            {{"class", "transient"}, {"reason", "x"}, {"colour", "red"}});
  EXPECT_EQ(unknown_key.status, 400);
  EXPECT_EQ(FieldsOf(unknown_key.body), std::vector<std::string>{"colour"});

  const std::string never_captured(64, 'a');
  Answer missing = Send(server, "PUT", RetentionPath(never_captured), server.responder(),
                        {{"class", "transient"}, {"reason", "x"}});
  EXPECT_EQ(missing.status, 404) << missing.body.dump();

  Answer hold_not_bool = Send(server, "PUT", "/api/v1/incidents/INC-1/legal-hold", server.admin(),
                              {{"hold", "yes"}, {"reason", "litigation"}});
  EXPECT_EQ(hold_not_bool.status, 400);
  EXPECT_EQ(FieldsOf(hold_not_bool.body), std::vector<std::string>{"hold"});

  Answer hold_unknown_incident = Send(server, "PUT", "/api/v1/incidents/INC-99/legal-hold",
                                      server.admin(), {{"hold", true}, {"reason", "litigation"}});
  EXPECT_EQ(hold_unknown_incident.status, 404) << hold_unknown_incident.body.dump();
  EXPECT_TRUE(server.Records("incident/INC-1", "evidence.retention_set").empty());
  EXPECT_TRUE(server.Records("incident/INC-99", "evidence.legal_hold").empty());
}

TEST(EvidenceApiTest, ClassesNeedAResponderAndHoldsAndSweepsAnAdmin) {
  EvidenceServer server;
  const std::string sha = server.Capture("loss curve");
  const nlohmann::json set_class = {{"class", "transient"}, {"reason", "scratch"}};
  const nlohmann::json hold = {{"hold", true}, {"reason", "litigation"}};

  EXPECT_EQ(Send(server, "PUT", RetentionPath(sha), server.viewer(), set_class).status, 403);
  EXPECT_EQ(Send(server, "PUT", "/api/v1/incidents/INC-1/legal-hold", server.viewer(), hold).status,
            403);
  EXPECT_EQ(
      Send(server, "PUT", "/api/v1/incidents/INC-1/legal-hold", server.responder(), hold).status,
      403);
  EXPECT_EQ(Send(server, "POST", "/api/v1/evidence/retention/sweep", server.responder()).status,
            403);
  EXPECT_EQ(Send(server, "GET", "/api/v1/incidents/INC-1/evidence", "not-a-token").status, 401);
  EXPECT_TRUE(server.Records("incident/INC-1", "evidence.retention_set").empty());
  EXPECT_TRUE(server.Records("incident/INC-1", "evidence.legal_hold").empty());

  EXPECT_EQ(Send(server, "PUT", RetentionPath(sha), server.responder(), set_class).status, 200);
  EXPECT_EQ(Send(server, "PUT", "/api/v1/incidents/INC-1/legal-hold", server.admin(), hold).status,
            200);
}

TEST(EvidenceApiTest, SweepRefusesABodyWithAnyFieldAndPurgesNothing) {
  EvidenceServer server;
  const std::string sha = CaptureExpiredScratch(server);
  Answer refused =
      Send(server, "POST", "/api/v1/evidence/retention/sweep", server.admin(), {{"dry_run", true}});
  EXPECT_EQ(refused.status, 400) << refused.body.dump();
  EXPECT_NE(refused.body.dump().find("dry_run"), std::string::npos) << refused.body.dump();
  Answer not_json = Send(server, "POST", "/api/v1/evidence/retention/sweep", server.admin(),
                         nlohmann::json::array());
  EXPECT_EQ(not_json.status, 400) << not_json.body.dump();
  EXPECT_EQ(Send(server, "GET", "/api/v1/evidence/" + sha, server.viewer()).status, 200);
  Answer swept = Send(server, "POST", "/api/v1/evidence/retention/sweep", server.admin(),
                      nlohmann::json::object());
  ASSERT_EQ(swept.status, 200) << swept.body.dump();
  EXPECT_EQ(swept.body["purged"], nlohmann::json::array({sha})) << swept.body.dump();
}

TEST(EvidenceApiTest, ALegalHoldKeepsExpiredEvidenceUntilReleasedThenTheSweepPurgesIt) {
  EvidenceServer server;
  const std::string sha = server.Capture("scratch output");
  ASSERT_EQ(Send(server, "PUT", RetentionPath(sha), server.responder(),
                 {{"class", "transient"}, {"reason", "scratch"}})
                .status,
            200);
  Answer hold = Send(server, "PUT", "/api/v1/incidents/INC-1/legal-hold", server.admin(),
                     {{"hold", true}, {"reason", "litigation notice 2026-11"}});
  ASSERT_EQ(hold.status, 200) << hold.body.dump();
  EXPECT_EQ(
      Send(server, "GET", "/api/v1/incidents/INC-1/evidence", server.viewer()).body["legal_hold"],
      true);

  server.clock().Advance(31 * kDay);  // past the 30-day transient period
  Answer held = Send(server, "POST", "/api/v1/evidence/retention/sweep", server.admin());
  ASSERT_EQ(held.status, 200) << held.body.dump();
  EXPECT_TRUE(held.body["purged"].empty()) << held.body.dump();
  ASSERT_EQ(held.body["kept"].size(), 1u) << held.body.dump();
  EXPECT_EQ(held.body["kept"][0]["sha256"], sha);
  EXPECT_NE(held.body["kept"][0]["reason"].get<std::string>().find("legal hold"), std::string::npos)
      << held.body.dump();
  EXPECT_EQ(Send(server, "GET", "/api/v1/evidence/" + sha, server.viewer()).status, 200);

  ASSERT_EQ(Send(server, "PUT", "/api/v1/incidents/INC-1/legal-hold", server.admin(),
                 {{"hold", false}, {"reason", "litigation settled"}})
                .status,
            200);
  Answer released = Send(server, "POST", "/api/v1/evidence/retention/sweep", server.admin());
  ASSERT_EQ(released.status, 200) << released.body.dump();
  EXPECT_EQ(released.body["purged"], nlohmann::json::array({sha})) << released.body.dump();
  EXPECT_EQ(Send(server, "GET", "/api/v1/evidence/" + sha, server.viewer()).status, 404);
  auto purges = server.Records("incident/INC-1", "evidence.purge");
  ASSERT_EQ(purges.size(), 1u);
  EXPECT_EQ(purges[0].event.actor, "ada");
  EXPECT_EQ(purges[0].event.digest, sha);
}

// The console re-lists evidence on every live event of the incident and audit records are live
// events: an audited listing would feed itself. Reading the bytes is the audited read.
TEST(EvidenceApiTest, ListingIsNotAnAuditRecordButReadingTheBytesIs) {
  EvidenceServer server;
  const std::string sha = server.Capture("loss curve");
  ASSERT_EQ(Send(server, "GET", "/api/v1/incidents/INC-1/evidence", server.viewer()).status, 200);
  EXPECT_TRUE(server.Records("incident/INC-1", "evidence.list").empty());
  EXPECT_TRUE(server.Records("incident/INC-1", "evidence.read").empty());
  ASSERT_EQ(Send(server, "GET", "/api/v1/evidence/" + sha, server.viewer()).status, 200);
  auto reads = server.Records("incident/INC-1", "evidence.read");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].event.actor, "vera");
}

TEST(EvidenceRetentionSweeperTest, SweepsOnStartAsTheRetentionActorAndStopsPromptly) {
  EvidenceServer server;
  const std::string sha = CaptureExpiredScratch(server);
  EvidenceSweepOptions options;
  options.interval = std::chrono::hours(6);
  EvidenceRetentionSweeper sweeper(server.context(), options);
  sweeper.Start();
  std::vector<audit::AuditRecord> purges;
  for (int attempt = 0; attempt < 250 && purges.empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    purges = server.Records("incident/INC-1", "evidence.purge");
  }
  const auto started = std::chrono::steady_clock::now();
  sweeper.Stop();  // wakes the 6 h wait at once
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  ASSERT_EQ(purges.size(), 1u);
  EXPECT_EQ(purges[0].event.actor, "system:retention");
  EXPECT_EQ(Send(server, "GET", "/api/v1/evidence/" + sha, server.viewer()).status, 404);
}

}  // namespace
}  // namespace vakt::api
