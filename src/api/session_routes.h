#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "auth/session.h"
#include "common/clock.h"
#include "storage/database.h"

namespace vakt::api {

struct SessionRoutesContext {
  auth::SessionService* sessions = nullptr;
  auth::TokenService* tokens = nullptr;
  storage::Database* database = nullptr;  // login and logout are audited
  const Clock* clock = nullptr;
  bool secure_cookie = false;  // add Secure when served over TLS (a proxy in front)
};

// RegisterSessionRoutes adds the web console's login: POST /api/v1/session {token} sets an
// HttpOnly SameSite=Strict cookie and returns {name, role, csrf_token}; GET tells who is logged
// in; DELETE logs out. The API token itself never reaches the browser's storage.
void RegisterSessionRoutes(HttpServer& server, const SessionRoutesContext& context);

}  // namespace vakt::api
