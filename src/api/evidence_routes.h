#pragma once

#include "api/http_server.h"
#include "api/step_routes.h"

namespace vakt::api {

// RegisterEvidenceRoutes adds GET /api/v1/incidents/{id}/evidence (the incident's captures) and
// GET /api/v1/evidence/{sha256} (the bytes, served as an attachment; every read is audited as
// evidence.read before the bytes leave). Both need a viewer token so reads have an actor.
void RegisterEvidenceRoutes(HttpServer& server, const StepRoutesContext& context);

}  // namespace vakt::api
