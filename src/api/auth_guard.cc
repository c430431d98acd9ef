#include "api/auth_guard.h"

#include <map>
#include <mutex>

#include "auth/session.h"
#include "common/crypto.h"

namespace vakt::api {
namespace {

std::mutex attached_mu;
std::map<const auth::TokenService*, auth::SessionService*> attached;  // GUARDED_BY(attached_mu)

auth::SessionService* SessionsFor(const auth::TokenService& tokens) {
  std::lock_guard lock(attached_mu);
  auto found = attached.find(&tokens);
  return found == attached.end() ? nullptr : found->second;
}

// SessionPrincipal authenticates by the console's cookie. Reads need only the cookie; anything
// else must carry the session's CSRF token, which a cross-site page cannot read.
std::optional<auth::Principal> SessionPrincipal(auth::SessionService& sessions,
                                                const std::string& session_id,
                                                const Request& request, Response& denied) {
  auto session = sessions.Find(session_id);
  if (!session) {
    denied = ProblemResponse(401, "session expired or unknown; log in again");
    return std::nullopt;
  }
  bool safe_method = request.method == "GET" || request.method == "HEAD";
  if (!safe_method &&
      !ConstantTimeEquals(request.Header("x-csrf-token").value_or(""), session->csrf_token)) {
    denied = ProblemResponse(403, "X-CSRF-Token header missing or wrong for this session");
    return std::nullopt;
  }
  return session->principal;
}

}  // namespace

void AttachSessions(const auth::TokenService& tokens, auth::SessionService* sessions) {
  std::lock_guard lock(attached_mu);
  if (sessions == nullptr) {
    attached.erase(&tokens);
  } else {
    attached[&tokens] = sessions;
  }
}

std::optional<auth::Principal> Authorize(auth::TokenService& tokens, const Request& request,
                                         auth::Role needed, Response& denied) {
  auto* sessions = SessionsFor(tokens);
  std::string session_id =
      sessions == nullptr || request.Header("authorization")
          ? std::string()
          : auth::SessionIdFromCookieHeader(request.Header("cookie").value_or(""));
  if (!session_id.empty()) {
    auto from_session = SessionPrincipal(*sessions, session_id, request, denied);
    if (!from_session) return std::nullopt;
    if (!from_session->Allows(needed)) {
      denied =
          ProblemResponse(403, "role " + std::string(auth::RoleName(from_session->role)) +
                                   " may not do this; " + auth::RoleName(needed) + " required");
      return std::nullopt;
    }
    return from_session;
  }
  auto principal = tokens.Authenticate(request.Header("authorization").value_or(""));
  if (!principal.ok()) {
    denied = ProblemResponse(401, principal.status().message());
    denied.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vakt\"");
    return std::nullopt;
  }
  if (!principal->Allows(needed)) {
    denied = ProblemResponse(403, "role " + std::string(auth::RoleName(principal->role)) +
                                      " may not do this; " + auth::RoleName(needed) + " required");
    return std::nullopt;
  }
  return *principal;
}

}  // namespace vakt::api
