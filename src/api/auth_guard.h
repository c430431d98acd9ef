#pragma once

#include <optional>

#include "api/http.h"
#include "auth/auth.h"

namespace vakt::api {

// Authorize checks the caller's bearer token for `needed`. Returns the principal, or fills
// `denied` with a 401/403 problem response. Every mutating route calls it first.
std::optional<auth::Principal> Authorize(auth::TokenService& tokens, const Request& request,
                                         auth::Role needed, Response& denied);

}  // namespace vakt::api
