#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "storage/database.h"

namespace vakt::api {

struct TokenRoutesContext {
  auth::TokenService* tokens = nullptr;
  storage::Database* database = nullptr;
  const Clock* clock = nullptr;
};

// RegisterTokenRoutes adds POST /api/v1/tokens {name, role} (admin): mints an API token, shown
// once in the response, so people and tests get responder/approver tokens without database access;
// DELETE /api/v1/tokens/{name} (admin) revokes it, which also ends the console sessions it opened.
void RegisterTokenRoutes(HttpServer& server, const TokenRoutesContext& context);

}  // namespace vakt::api
