#include "api/auth_guard.h"

namespace vakt::api {

std::optional<auth::Principal> Authorize(auth::TokenService& tokens, const Request& request,
                                         auth::Role needed, Response& denied) {
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
