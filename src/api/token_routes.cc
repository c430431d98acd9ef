#include "api/token_routes.h"

#include "api/auth_guard.h"
#include "common/json_parse.h"
#include "storage/sql_audit_append.h"

namespace vakt::api {

void RegisterTokenRoutes(HttpServer& server, const TokenRoutesContext& context) {
  server.Route("POST", "/api/v1/tokens", "tokens_create", [context](const Request& request) {
    Response denied;
    auto principal = Authorize(*context.tokens, request, auth::Role::kAdmin, denied);
    if (!principal) return denied;
    JsonLimits limits;
    limits.max_depth = 4;
    auto body = ParseJsonStrict(request.body, limits);
    if (!body.ok()) return ProblemResponse(body.status());
    if (!body->is_object()) return ProblemResponse(400, "body: must be a JSON object");
    auto name = body->find("name");
    if (name == body->end() || !name->is_string())
      return ProblemResponse(400, "name: required string");
    auto role_field = body->find("role");
    if (role_field == body->end() || !role_field->is_string()) {
      return ProblemResponse(400, "role: required string");
    }
    auto role = auth::ParseRole(role_field->get<std::string>());
    if (!role) return ProblemResponse(400, "role: must be viewer, responder, approver or admin");
    auto token = context.tokens->CreateToken(name->get<std::string>(), *role);
    if (!token.ok()) return ProblemResponse(token.status());
    audit::AuditEvent event{"user:" + principal->name,
                            "token.create",
                            "token/" + name->get<std::string>(),
                            {{"role", auth::RoleName(*role)}},
                            ""};
    auto audited = storage::RecordAuditEvent(*context.database, event, context.clock->NowMs());
    if (!audited.ok()) {
      // A token nobody can trace is worse than none: take it back.
      (void)context.tokens->Revoke(name->get<std::string>());
      return ProblemResponse(audited.status());
    }
    return JsonResponse(
        201,
        {{"name", name->get<std::string>()}, {"role", auth::RoleName(*role)}, {"token", *token}});
  });

  server.Route("DELETE", R"(/api/v1/tokens/([A-Za-z0-9._@:-]{1,128}))", "tokens_revoke",
               [context](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*context.tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 const std::string& name = request.path_params.at(0);
                 Status revoked = context.tokens->Revoke(name);
                 if (!revoked.ok()) return ProblemResponse(revoked);
                 // Revocation stands even if the record fails: an unrecorded revoke is safer than
                 // a recorded token that still works.
                 audit::AuditEvent event{"user:" + principal->name, "token.revoke", "token/" + name,
                                         nlohmann::json::object(), ""};
                 auto audited =
                     storage::RecordAuditEvent(*context.database, event, context.clock->NowMs());
                 if (!audited.ok()) return ProblemResponse(audited.status());
                 Response response;
                 response.status = 204;
                 return response;
               });
}

}  // namespace vakt::api
