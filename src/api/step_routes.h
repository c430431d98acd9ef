#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "stabilise/step_service.h"

namespace vakt::api {

struct StepRoutesContext {
  stabilise::StepService* steps = nullptr;
  auth::TokenService* tokens = nullptr;
  storage::Database* database = nullptr;  // for evidence.read audit records
  const Clock* clock = nullptr;
};

// RegisterStepRoutes adds the guided-stabilisation API (api/openapi.yaml "steps"):
//   GET  /api/v1/incidents/{id}/steps, /api/v1/incidents/{id}/steps/{step}
//   POST /api/v1/incidents/{id}/steps/{step}/{request|approve|deny|run|confirm|skip|dry-run}
// approve/deny need the approver role, the others responder.
void RegisterStepRoutes(HttpServer& server, const StepRoutesContext& context);

// StepToJson is the step representation the API and the web console share.
nlohmann::json StepToJson(const stabilise::StepView& view);

}  // namespace vakt::api
