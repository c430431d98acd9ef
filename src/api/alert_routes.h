#pragma once

#include <string>

#include "api/http_server.h"
#include "common/clock.h"
#include "ingest/ingest_service.h"
#include "storage/database.h"

namespace vakt::api {

// AlertRoutesContext is what the alert routes need; owned by app/.
struct AlertRoutesContext {
  ingest::IngestService* ingest = nullptr;
  storage::Database* database = nullptr;
  const Clock* clock = nullptr;
  TimeMs started_at = 0;
  std::string version = "0.1.0";
  std::string config_text;  // shown by GET /api/v2/status (amtool config show); no secrets
};

// RegisterAlertRoutes adds every ingest contract (Alertmanager API v2 and webhook v4, PagerDuty
// Events v2 and change events, deployments) and the alert read APIs (Alertmanager v2 GET for
// amtool, /api/v1/alerts).
void RegisterAlertRoutes(HttpServer& server, const AlertRoutesContext& context);

}  // namespace vakt::api
