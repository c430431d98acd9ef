#pragma once

#include <functional>

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "incident/incident_service.h"
#include "storage/sql_catalog_store.h"

namespace vakt::api {

struct PipelineRoutesContext {
  incident::IncidentService* incidents = nullptr;  // serves the current catalogue
  storage::SqlCatalogStore* store = nullptr;       // API-defined pipelines
  auth::TokenService* tokens = nullptr;
  const Clock* clock = nullptr;
  // refresh_catalog swaps in the catalogue file with the stored pipelines laid over it.
  std::function<Status()> refresh_catalog;
};

// RegisterPipelineRoutes adds the pipeline catalogue: GET /api/v1/pipelines (list),
// GET /api/v1/pipelines/{id} (everything the snapshot uses), PUT /api/v1/pipelines/{id} (admin;
// YAML or JSON in the catalogue's pipeline shape, optional If-Match: "<version>") and
// DELETE /api/v1/pipelines/{id} (admin; API-defined pipelines only).
void RegisterPipelineRoutes(HttpServer& server, const PipelineRoutesContext& context);

}  // namespace vakt::api
