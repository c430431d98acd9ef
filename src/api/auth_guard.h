#pragma once

#include <optional>

#include "api/http.h"
#include "auth/auth.h"

namespace vakt::auth {
class SessionService;
}

namespace vakt::api {

// Authorize checks the caller's bearer token (or, when sessions are attached and no
// Authorization header is sent, the console's session cookie) for `needed`. Returns the principal, or fills
// `denied` with a 401/403 problem response. Every mutating route calls it first.
std::optional<auth::Principal> Authorize(auth::TokenService& tokens, const Request& request,
                                         auth::Role needed, Response& denied);

// AttachSessions makes Authorize accept the web console's session cookie for routes built on
// `tokens`; cookie-authenticated mutations must echo the session's X-CSRF-Token. Keyed by the
// TokenService so existing route signatures stay unchanged. nullptr detaches.
void AttachSessions(const auth::TokenService& tokens, auth::SessionService* sessions);

}  // namespace vakt::api
