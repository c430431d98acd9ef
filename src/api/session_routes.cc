#include "api/session_routes.h"

#include <spdlog/spdlog.h>

#include "api/auth_guard.h"
#include "common/json_parse.h"
#include "storage/sql_audit_append.h"

namespace vakt::api {
namespace {

constexpr size_t kMaxTokenLength = 256;

std::string CookieHeader(const std::string& value, TimeMs max_age_ms, bool secure) {
  return std::string(auth::kSessionCookieName) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict" + "; Max-Age=" + std::to_string(max_age_ms / 1000) +
         (secure ? "; Secure" : "");
}

nlohmann::json SessionJson(const auth::Session& session) {
  return {{"name", session.principal.name},
          {"role", auth::RoleName(session.principal.role)},
          {"csrf_token", session.csrf_token},
          {"expires_at", session.expires_at}};
}

// Audit records who logged in or out; the session itself lives in memory only.
Status Audit(const SessionRoutesContext& context, const std::string& actor,
             const std::string& action) {
  audit::AuditEvent event{"user:" + actor, action, "session/" + actor, nlohmann::json::object(),
                          ""};
  return storage::RecordAuditEvent(*context.database, event, context.clock->NowMs()).status();
}

}  // namespace

void RegisterSessionRoutes(HttpServer& server, const SessionRoutesContext& context) {
  server.Route("POST", "/api/v1/session", "session_create", [context](const Request& request) {
    JsonLimits limits;
    limits.max_depth = 4;
    auto body = ParseJsonStrict(request.body, limits);
    if (!body.ok()) return ProblemResponse(body.status());
    if (!body->is_object()) return ProblemResponse(400, "body: must be a JSON object");
    auto token = body->find("token");
    if (token == body->end() || !token->is_string() || token->get<std::string>().empty()) {
      return ProblemResponse(400, "token: required string");
    }
    if (token->get<std::string>().size() > kMaxTokenLength) {
      return ProblemResponse(400, "token: at most 256 characters");
    }
    auto created = context.sessions->Login(token->get<std::string>());
    if (!created.ok()) return ProblemResponse(401, "token: " + created.status().message());
    Status audited = Audit(context, created->session.principal.name, "session.login");
    if (!audited.ok()) {
      context.sessions->Logout(created->id);
      return ProblemResponse(audited);
    }
    Response response = JsonResponse(201, SessionJson(created->session));
    response.headers.emplace_back(
        "Set-Cookie",
        CookieHeader(created->id, context.sessions->lifetime_ms(), context.secure_cookie));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });

  server.Route("GET", "/api/v1/session", "session_get", [context](const Request& request) {
    auto session = context.sessions->Find(
        auth::SessionIdFromCookieHeader(request.Header("cookie").value_or("")));
    if (!session) return ProblemResponse(401, "not logged in");
    Response response = JsonResponse(200, SessionJson(*session));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });

  server.Route("DELETE", "/api/v1/session", "session_delete", [context](const Request& request) {
    Response denied;
    // Logging out is a mutation too: the CSRF token keeps other sites from logging users out.
    auto principal = Authorize(*context.tokens, request, auth::Role::kViewer, denied);
    if (!principal) return denied;
    std::string id = auth::SessionIdFromCookieHeader(request.Header("cookie").value_or(""));
    if (id.empty()) return ProblemResponse(400, "cookie: no console session to end");
    context.sessions->Logout(id);
    Status audited = Audit(context, principal->name, "session.logout");
    if (!audited.ok())
      spdlog::warn("logout of {} not audited: {}", principal->name, audited.message());
    Response response;
    response.status = 204;
    response.headers.emplace_back("Set-Cookie", CookieHeader("", 0, context.secure_cookie));
    return response;
  });
}

}  // namespace vakt::api
