#pragma once

#include <string>

#include "api/auth_guard.h"
#include "api/http_server.h"

namespace vakt::api {

// Guarded wraps handler(request, actor) in a route handler that first checks the caller holds
// `role` (Authorize: bearer token or console session) and answers its 401/403 otherwise; `actor`
// is the authorised principal's name. `tokens` must outlive the route.
template <typename Handler>
HttpServer::Handler Guarded(auth::TokenService* tokens, auth::Role role, Handler handler) {
  return [tokens, role, handler](const Request& request) {
    Response denied;
    auto principal = Authorize(*tokens, request, role, denied);
    if (!principal) return denied;
    return handler(request, principal->name);
  };
}

}  // namespace vakt::api
