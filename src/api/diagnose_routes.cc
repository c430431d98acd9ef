#include "api/diagnose_routes.h"

#include "api/auth_guard.h"

namespace vakt::api {
namespace {

constexpr size_t kMaxHistory = 100;

}  // namespace

void RegisterDiagnoseRoutes(HttpServer& server, const DiagnoseRoutesContext& context) {
  auto* diagnoses = context.diagnoses;
  auto* tokens = context.tokens;

  server.Route("POST", R"(/api/v1/incidents/([A-Za-z0-9-]+)/diagnose)", "incident_diagnose",
               [diagnoses, tokens](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kResponder, denied);
                 if (!principal) return denied;
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 // The section to run is the pinned runbook's; a body may only be empty or {}.
                 if (!request.body.empty() && request.body != "{}") {
                   return ProblemResponse(400,
                                          "body: must be empty; the runbook's "
                                          "investigate.diagnose section decides what runs");
                 }
                 auto stored = diagnoses->RunForIncident(*id, principal->name);
                 if (!stored.ok()) return ProblemResponse(stored.status());
                 return JsonResponse(201, diagnose::DiagnosisToJson(*stored));
               });

  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/diagnosis)", "incident_diagnosis",
               [diagnoses](const Request& request) {
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 const std::string all = request.Query("all").value_or("0");
                 if (all != "0" && all != "1" && all != "true" && all != "false") {
                   return ProblemResponse(400, "all: must be 1 or 0");
                 }
                 if (all == "1" || all == "true") {
                   auto list = diagnoses->store().List(*id, kMaxHistory);
                   if (!list.ok()) return ProblemResponse(list.status());
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& diagnosis : *list)
                     items.push_back(diagnose::DiagnosisToJson(diagnosis));
                   return JsonResponse(200, {{"diagnoses", items}});
                 }
                 auto latest = diagnoses->store().Latest(*id);
                 if (!latest.ok()) return ProblemResponse(latest.status());
                 return JsonResponse(200, diagnose::DiagnosisToJson(*latest));
               });
}

}  // namespace vakt::api
