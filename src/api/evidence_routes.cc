#include "api/evidence_routes.h"

#include "api/auth_guard.h"
#include "common/time_format.h"
#include "evidence/evidence_store.h"
#include "storage/sql_audit_append.h"

namespace vakt::api {
namespace {

Result<std::int64_t> IncidentId(const Request& request) {
  auto id = ParseIncidentKey(request.path_params.at(0));
  if (!id) return Status::InvalidArgument("incident id must look like INC-42");
  return *id;
}

}  // namespace

void RegisterEvidenceRoutes(HttpServer& server, const StepRoutesContext& context) {
  stabilise::StepService* steps = context.steps;
  auth::TokenService* tokens = context.tokens;
  storage::Database* database = context.database;
  const Clock* clock = context.clock;

  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/evidence)", "evidence_list",
               [steps, tokens](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kViewer, denied);
                 if (!principal) return denied;
                 auto id = IncidentId(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto records = steps->evidence().ListByIncident("INC-" + std::to_string(*id));
                 if (!records.ok()) return ProblemResponse(records.status());
                 nlohmann::json list = nlohmann::json::array();
                 for (const auto& record : *records) {
                   list.push_back({{"sha256", record.sha256},
                                   {"size", record.size},
                                   {"step", record.metadata.step_id},
                                   {"kind", record.metadata.collector},
                                   {"name", record.metadata.name},
                                   {"source", record.metadata.source},
                                   {"media_type", record.metadata.content_type},
                                   {"created_by", record.metadata.created_by},
                                   {"created_at", FormatRfc3339(record.metadata.time)},
                                   {"url", "/api/v1/evidence/" + record.sha256}});
                 }
                 return JsonResponse(200, {{"incident", "INC-" + std::to_string(*id)},
                                           {"evidence", list}});
               });
  server.Route("GET", R"(/api/v1/evidence/([^/]+))", "evidence_get",
               [steps, tokens, database, clock](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kViewer, denied);
                 if (!principal) return denied;
                 const std::string& sha256 = request.path_params.at(0);
                 if (!evidence::IsValidSha256Hex(sha256)) {
                   return ProblemResponse(400, "sha256: must be 64 lowercase hex digits");
                 }
                 auto records = steps->evidence().FindBySha256(sha256);
                 if (!records.ok()) return ProblemResponse(records.status());
                 if (records->empty()) return ProblemResponse(404, "no evidence " + sha256);
                 auto bytes = steps->evidence().Get(sha256);
                 if (!bytes.ok()) return ProblemResponse(bytes.status());
                 // The read is recorded before the bytes leave.
                 audit::AuditEvent event;
                 event.actor = principal->name;
                 event.action = "evidence.read";
                 event.subject = "incident/" + records->front().metadata.incident_id;
                 event.details = {{"size", static_cast<std::int64_t>(bytes->size())}};
                 event.digest = sha256;
                 auto recorded = storage::RecordAuditEvent(*database, event, clock->NowMs());
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
               });
}

}  // namespace vakt::api
