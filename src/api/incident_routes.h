#pragma once

#include <functional>

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "incident/incident_service.h"

namespace vakt::api {

struct IncidentRoutesContext {
  incident::IncidentService* incidents = nullptr;
  auth::TokenService* tokens = nullptr;
  const Clock* clock = nullptr;
  // reload_runbooks rebuilds runbooks + catalogue and swaps them in (build new, then swap); it
  // returns the new set's summary or the errors that kept the old set serving.
  std::function<Result<nlohmann::json>(const std::string& actor)> reload_runbooks;
};

// RegisterIncidentRoutes adds /api/v1/incidents (list, get, events, alerts, actions),
// /api/v1/runbooks (list, get, lint-on-load results, reload); pipelines are in pipeline_routes.h.
void RegisterIncidentRoutes(HttpServer& server, const IncidentRoutesContext& context);

}  // namespace vakt::api
