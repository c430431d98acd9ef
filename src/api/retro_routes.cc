#include "api/retro_routes.h"

#include "api/auth_guard.h"
#include "common/json_parse.h"

namespace vakt::api {
namespace {

constexpr const char* kIncident = R"(/api/v1/incidents/([A-Za-z0-9-]+))";

Result<nlohmann::json> BodyOf(const Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  JsonLimits limits;
  limits.max_depth = 8;
  return ParseJsonStrict(request.body, limits);
}

// Write wraps a mutating retro call: responder role, incident id, JSON body.
template <typename Call>
Response Write(auth::TokenService& tokens, const Request& request, int ok_status, Call call) {
  Response denied;
  auto principal = Authorize(tokens, request, auth::Role::kResponder, denied);
  if (!principal) return denied;
  auto id = IncidentIdParam(request);
  if (!id.ok()) return ProblemResponse(id.status());
  auto body = BodyOf(request);
  if (!body.ok()) return ProblemResponse(body.status());
  Result<nlohmann::json> result = call(*id, *body, principal->name);
  if (!result.ok()) return ProblemResponse(result.status());
  return JsonResponse(ok_status, *result);
}

}  // namespace

void RegisterRetroRoutes(HttpServer& server, const RetroRoutesContext& context) {
  auto* retros = context.retros;
  auto* tokens = context.tokens;

  server.Route("GET", std::string(kIncident) + "/retro", "retro_get",
               [retros](const Request& request) {
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto view = retros->View(*id, "vakt");
                 if (!view.ok()) return ProblemResponse(view.status());
                 return JsonResponse(200, *view);
               });
  server.Route("GET", std::string(kIncident) + R"(/retro\.md)", "retro_markdown",
               [retros](const Request& request) {
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto markdown = retros->Markdown(*id, "vakt");
                 if (!markdown.ok()) return ProblemResponse(markdown.status());
                 Response response;
                 response.content_type = "text/markdown; charset=utf-8";
                 response.body = *markdown;
                 return response;
               });
  server.Route("PUT", std::string(kIncident) + "/retro", "retro_update",
               [retros, tokens](const Request& request) {
                 return Write(*tokens, request, 200,
                              [retros](std::int64_t id, const nlohmann::json& body,
                                       const std::string& actor) {
                                return retros->Update(id, body, actor);
                              });
               });
  server.Route("POST", std::string(kIncident) + "/retro/action-items", "retro_action_item",
               [retros, tokens](const Request& request) {
                 return Write(*tokens, request, 201,
                              [retros](std::int64_t id, const nlohmann::json& body,
                                       const std::string& actor) {
                                return retros->AddActionItem(id, body, actor);
                              });
               });
  server.Route("POST", std::string(kIncident) + "/retro/complete", "retro_complete",
               [retros, tokens](const Request& request) {
                 return Write(
                     *tokens, request, 200,
                     [retros](std::int64_t id, const nlohmann::json&, const std::string& actor) {
                       return retros->Complete(id, actor);
                     });
               });
  server.Route("POST", std::string(kIncident) + R"(/steps/([A-Za-z0-9._-]+)/annotations)",
               "step_annotation", [retros, tokens](const Request& request) {
                 std::string step = request.path_params.at(1);
                 return Write(*tokens, request, 201,
                              [retros, step](std::int64_t id, const nlohmann::json& body,
                                             const std::string& actor) {
                                return retros->Annotate(id, step, body, actor);
                              });
               });
}

}  // namespace vakt::api
