#include "api/incident_export_routes.h"

#include <set>

#include "api/auth_guard.h"
#include "api/incident_json.h"
#include "api/problem.h"
#include "api/step_routes.h"
#include "audit/evidence_bundle.h"
#include "audit/incident_export.h"
#include "model/incident.h"
#include "storage/sql_audit_append.h"

namespace vakt::api {
namespace {

constexpr size_t kMaxExportRecords = 100'000;

Response Export(const IncidentExportRoutesContext& context, const Request& request,
                const std::string& actor) {
  auto id = ParseIncidentKey(request.path_params.at(0));
  if (!id) return ProblemResponse(400, "id: must look like INC-42");
  auto incident = context.incidents->store().GetIncident(*id);
  if (!incident.ok()) return ProblemResponse(incident.status());
  const std::string key = incident->Key();
  auto events = context.incidents->store().ListEvents(*id);
  if (!events.ok()) return ProblemResponse(events.status());
  auto steps = context.steps->List(*id);
  if (!steps.ok()) return ProblemResponse(steps.status());
  nlohmann::json record = {{"incident", IncidentToJson(*incident)},
                           {"events", nlohmann::json::array()},
                           {"steps", nlohmann::json::array()}};
  for (const auto& event : *events) record["events"].push_back(IncidentEventToJson(event));
  for (const auto& step : *steps) record["steps"].push_back(StepToJson(step));

  auto captures = context.steps->evidence().ListByIncident(key);
  if (!captures.ok()) return ProblemResponse(captures.status());
  std::vector<audit::ExportEvidence> evidence;
  std::set<std::string> read;
  const TimeMs now = context.clock->NowMs();
  for (const auto& capture : *captures) {
    nlohmann::json metadata = {{"step", capture.metadata.step_id},
                               {"kind", capture.metadata.collector},
                               {"name", capture.metadata.name},
                               {"source", capture.metadata.source},
                               {"content_type", capture.metadata.content_type},
                               {"captured_at_ms", capture.metadata.time},
                               {"created_by", capture.metadata.created_by},
                               {"size", capture.size}};
    auto bytes = context.steps->evidence().Get(capture.sha256);
    if (!bytes.ok())
      return ProblemResponse(bytes.status().WithContext("evidence " + capture.sha256));
    if (read.insert(capture.sha256).second) {
      // Every blob that leaves in an export is a read of evidence, recorded like any other.
      audit::AuditEvent event{
          actor,
          "evidence.read",
          "incident/" + key,
          {{"size", static_cast<std::int64_t>(bytes->size())}, {"purpose", "export"}},
          capture.sha256};
      auto recorded = storage::RecordAuditEvent(*context.database, event, now);
      if (!recorded.ok()) return ProblemResponse(recorded.status());
    }
    evidence.push_back({capture.sha256, std::move(metadata), std::move(*bytes)});
  }

  auto prepared =
      audit::PrepareIncidentExport(key, record, evidence, *context.public_key, actor, now);
  if (!prepared.ok()) return ProblemResponse(prepared.status());
  // The checkpoint auditors may already hold: the archive proves the log grew from it.
  std::string previous_note;
  auto previous = context.audit_store->LatestCheckpoint();
  if (previous.ok()) {
    previous_note = previous->note;
  } else if (previous.status().code() != StatusCode::kNotFound) {
    return ProblemResponse(previous.status());
  }
  audit::AuditEvent exported{actor,
                             audit::kIncidentExportAction,
                             "incident/" + key,
                             {{"evidence", static_cast<std::int64_t>(read.size())}},
                             prepared->manifest_sha256};
  auto recorded = storage::RecordAuditEvent(*context.database, exported, now);
  if (!recorded.ok()) return ProblemResponse(recorded.status());

  const audit::IncidentAuditSubjects subjects = audit::SubjectsOfIncident(key);
  storage::AuditRecordQuery query;
  query.subjects = {subjects.subject};
  query.subject_prefixes = {subjects.step_prefix};
  query.limit = kMaxExportRecords;
  auto leaves = context.audit_store->FindRecords(query);
  if (!leaves.ok()) return ProblemResponse(leaves.status());
  auto archive = audit::FinishIncidentExport(*context.log, *context.public_key, *prepared, *leaves,
                                             previous_note, now);
  if (!archive.ok()) return ProblemResponse(archive.status());
  Response response;
  response.status = 200;
  response.content_type = "application/x-tar";
  response.body = std::move(*archive);
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + key + "-export.tar\"");
  response.headers.emplace_back("X-Audit-Seq", std::to_string(*recorded));
  return response;
}

}  // namespace

void RegisterIncidentExportRoutes(HttpServer& server, const IncidentExportRoutesContext& context) {
  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/export)", "incident_export",
               [context](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*context.tokens, request, auth::Role::kViewer, denied);
                 if (!principal) return denied;
                 return Export(context, request, principal->name);
               });
}

}  // namespace vakt::api
