#include "api/evidence_routes.h"

#include "api/auth_guard.h"
#include "api/guarded.h"
#include "common/json_parse.h"
#include "common/time_format.h"
#include "evidence/evidence_store.h"
#include "model/incident.h"
#include "storage/evidence_retention.h"
#include "storage/sql_audit_append.h"

namespace vakt::api {
namespace {

Result<std::string> IncidentKey(const Request& request) {
  auto id = ParseIncidentKey(request.path_params.at(0));
  if (!id) return Status::InvalidArgument("incident: must look like INC-42");
  return "INC-" + std::to_string(*id);
}

// FieldProblem answers a storage/decoder InvalidArgument ("class: not a retention class") with
// the field named in the problem's `errors`, so clients need not parse the detail.
Response FieldProblem(const Status& status) {
  if (status.code() != StatusCode::kInvalidArgument) return ProblemResponse(status);
  const std::string& message = status.message();
  const size_t colon = message.find(": ");
  if (colon == std::string::npos) return ProblemResponse(status);
  return ProblemResponse(400, message, {{message.substr(0, colon), message.substr(colon + 2)}});
}

// ParseBody reads a flat JSON object whose keys are all in `allowed` (strict, like other PUTs).
Result<nlohmann::json> ParseBody(const Request& request,
                                 std::initializer_list<const char*> allowed) {
  JsonLimits limits;
  limits.max_depth = 2;
  auto body = ParseJsonStrict(request.body, limits);
  if (!body.ok()) return body.status().WithContext("body");
  if (!body->is_object()) return Status::InvalidArgument("body: must be a JSON object");
  for (const auto& [key, value] : body->items()) {
    bool known = false;
    std::string names;
    for (const char* name : allowed) {
      known = known || key == name;
      names += (names.empty() ? "" : ", ") + std::string(name);
    }
    if (!known) return Status::InvalidArgument(key + ": unknown field (" + names + ")");
  }
  return body;
}

Result<std::string> StringField(const nlohmann::json& body, const std::string& name) {
  auto field = body.find(name);
  if (field == body.end() || !field->is_string()) {
    return Status::InvalidArgument(name + ": required string");
  }
  return field->get<std::string>();
}

Response List(const EvidenceRoutesContext& context, const Request& request) {
  auto incident = IncidentKey(request);
  if (!incident.ok()) return FieldProblem(incident.status());
  auto records = context.evidence->ListByIncident(*incident);
  if (!records.ok()) return ProblemResponse(records.status());
  auto retention = storage::ReadIncidentRetention(*context.database, *incident);
  if (!retention.ok()) return ProblemResponse(retention.status());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& record : *records) {
    auto recorded_class = retention->class_of.find(record.sha256);
    list.push_back({{"sha256", record.sha256},
                    {"size", record.size},
                    {"step", record.metadata.step_id},
                    {"kind", record.metadata.collector},
                    {"name", record.metadata.name},
                    {"source", record.metadata.source},
                    {"media_type", record.metadata.content_type},
                    {"created_by", record.metadata.created_by},
                    {"created_at", FormatRfc3339(record.metadata.time)},
                    {"retention_class", recorded_class == retention->class_of.end()
                                            ? std::string(evidence::kDefaultRetentionClass)
                                            : recorded_class->second},
                    {"url", "/api/v1/evidence/" + record.sha256}});
  }
  // Listing metadata (names, sizes, digests) is not a read of the evidence itself and is not
  // audited: the console re-lists on every live event of the incident, audit records are live
  // events, so an audited listing would feed itself (and bury the retro timeline in reads).
  // Reading the bytes (Read below) and exporting are audited.
  return JsonResponse(
      200, {{"incident", *incident}, {"legal_hold", retention->legal_hold}, {"evidence", list}});
}

Response Read(const EvidenceRoutesContext& context, const Request& request,
              const std::string& actor) {
  const std::string& sha256 = request.path_params.at(0);
  if (!evidence::IsValidSha256Hex(sha256)) {
    return FieldProblem(Status::InvalidArgument("sha256: must be 64 lowercase hex digits"));
  }
  auto records = context.evidence->FindBySha256(sha256);
  if (!records.ok()) return ProblemResponse(records.status());
  if (records->empty()) return ProblemResponse(404, "no evidence " + sha256);
  auto bytes = context.evidence->Get(sha256);
  if (!bytes.ok()) return ProblemResponse(bytes.status());
  // The read is recorded before the bytes leave.
  audit::AuditEvent event;
  event.actor = actor;
  event.action = "evidence.read";
  event.subject = "incident/" + records->front().metadata.incident_id;
  event.details = {{"size", static_cast<std::int64_t>(bytes->size())}};
  event.digest = sha256;
  auto recorded = storage::RecordAuditEvent(*context.database, event, context.clock->NowMs());
  if (!recorded.ok()) return ProblemResponse(recorded.status());
  Response response;
  response.status = 200;
  response.content_type = records->front().metadata.content_type.empty()
                              ? "application/octet-stream"
                              : records->front().metadata.content_type;
  response.body = std::move(*bytes);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Content-Disposition", "attachment");
  return response;
}

Response SetClass(const EvidenceRoutesContext& context, const Request& request,
                  const std::string& actor) {
  auto incident = IncidentKey(request);
  if (!incident.ok()) return FieldProblem(incident.status());
  const std::string& sha256 = request.path_params.at(1);
  auto body = ParseBody(request, {"class", "reason"});
  if (!body.ok()) return FieldProblem(body.status());
  auto retention_class = StringField(*body, "class");
  if (!retention_class.ok()) return FieldProblem(retention_class.status());
  auto reason = StringField(*body, "reason");
  if (!reason.ok()) return FieldProblem(reason.status());
  auto seq =
      storage::SetEvidenceRetentionClass(*context.database, *incident, sha256, *retention_class,
                                         context.classes, actor, *reason, context.clock->NowMs());
  if (!seq.ok()) return FieldProblem(seq.status());
  return JsonResponse(200, {{"incident", *incident},
                            {"sha256", sha256},
                            {"retention_class", *retention_class},
                            {"audit_seq", *seq}});
}

Response SetHold(const EvidenceRoutesContext& context, const Request& request,
                 const std::string& actor) {
  auto incident = IncidentKey(request);
  if (!incident.ok()) return FieldProblem(incident.status());
  auto body = ParseBody(request, {"hold", "reason"});
  if (!body.ok()) return FieldProblem(body.status());
  auto hold = body->find("hold");
  if (hold == body->end() || !hold->is_boolean()) {
    return FieldProblem(Status::InvalidArgument("hold: required boolean"));
  }
  auto reason = StringField(*body, "reason");
  if (!reason.ok()) return FieldProblem(reason.status());
  if (context.incidents != nullptr) {
    auto found = context.incidents->GetIncident(*ParseIncidentKey(*incident));
    if (!found.ok()) return ProblemResponse(found.status());
  }
  auto seq = storage::SetEvidenceLegalHold(*context.database, *incident, hold->get<bool>(), actor,
                                           *reason, context.clock->NowMs());
  if (!seq.ok()) return FieldProblem(seq.status());
  return JsonResponse(
      200, {{"incident", *incident}, {"legal_hold", hold->get<bool>()}, {"audit_seq", *seq}});
}

// Sweep purges expired evidence now. It takes no options yet: an empty body or {}, and any
// field is refused rather than ignored.
Response Sweep(const EvidenceRoutesContext& context, const Request& request,
               const std::string& actor) {
  if (!request.body.empty()) {
    if (auto body = ParseBody(request, {}); !body.ok()) return FieldProblem(body.status());
  }
  auto report = storage::SweepEvidenceRetention(*context.database, context.evidence->blobs(),
                                                context.classes, actor, context.clock->NowMs());
  if (!report.ok()) return ProblemResponse(report.status());
  return JsonResponse(200, RetentionSweepReportToJson(*report));
}

}  // namespace

nlohmann::json RetentionSweepReportToJson(const storage::RetentionSweepReport& report) {
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& blob : report.kept) {
    kept.push_back(
        {{"sha256", blob.sha256},
         {"reason", blob.purged ? std::string("purged earlier") : blob.decision.reason}});
  }
  return {{"purged", report.purged}, {"kept", kept}};
}

void RegisterEvidenceRoutes(HttpServer& server, const EvidenceRoutesContext& context) {
  auth::TokenService* tokens = context.tokens;
  server.Route(
      "GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/evidence)", "evidence_list",
      Guarded(tokens, auth::Role::kViewer, [context](const Request& request, const std::string&) {
        return List(context, request);
      }));
  server.Route("GET", R"(/api/v1/evidence/([^/]+))", "evidence_get",
               Guarded(tokens, auth::Role::kViewer,
                       [context](const Request& request, const std::string& actor) {
                         return Read(context, request, actor);
                       }));
  server.Route("PUT", R"(/api/v1/incidents/([A-Za-z0-9-]+)/evidence/([^/]+)/retention)",
               "evidence_retention_set",
               Guarded(tokens, auth::Role::kResponder,
                       [context](const Request& request, const std::string& actor) {
                         return SetClass(context, request, actor);
                       }));
  server.Route("PUT", R"(/api/v1/incidents/([A-Za-z0-9-]+)/legal-hold)", "evidence_legal_hold",
               Guarded(tokens, auth::Role::kAdmin,
                       [context](const Request& request, const std::string& actor) {
                         return SetHold(context, request, actor);
                       }));
  server.Route("POST", R"(/api/v1/evidence/retention/sweep)", "evidence_retention_sweep",
               Guarded(tokens, auth::Role::kAdmin,
                       [context](const Request& request, const std::string& actor) {
                         return Sweep(context, request, actor);
                       }));
}

}  // namespace vakt::api
