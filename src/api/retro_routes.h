#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "retro/retro_service.h"

namespace vakt::api {

struct RetroRoutesContext {
  retro::RetroService* retros = nullptr;
  auth::TokenService* tokens = nullptr;
};

// RegisterRetroRoutes adds GET/PUT /api/v1/incidents/{id}/retro, POST …/retro/action-items,
// POST …/retro/complete, GET …/retro.md and POST /api/v1/incidents/{id}/steps/{step}/annotations.
// Writes need the responder role.
void RegisterRetroRoutes(HttpServer& server, const RetroRoutesContext& context);

}  // namespace vakt::api
