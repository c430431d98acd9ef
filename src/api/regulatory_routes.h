#pragma once

#include <string>

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "compliance/deadline_warnings.h"
#include "incident/incident_service.h"
#include "storage/database.h"
#include "storage/sql_audit_leaf_store.h"

namespace vakt::api {

struct RegulatoryRoutesContext {
  incident::IncidentService* incidents = nullptr;  // incidents and the pipeline catalogue
  storage::Database* database = nullptr;           // classifications/submissions are audit records
  storage::SqlAuditLeafStore* audit_store = nullptr;
  auth::TokenService* tokens = nullptr;
  const Clock* clock = nullptr;
  std::string time_zone = "UTC";  // calendar-day and month deadlines are counted in this zone
};

// RegisterRegulatoryRoutes adds an incident's regulatory clocks (compliance/incident_regimes.h):
// GET /api/v1/incidents/{id}/regulatory (viewer), POST .../regulatory/classifications and
// .../regulatory/submissions (responder; each is an audit record of the incident), and
// GET /api/v1/incidents/{id}/report-draft?regime=&report=&format=markdown|json (viewer).
// PUT /api/v1/incidents/{id}/regulatory/became-aware (responder) sets when the organisation
// became aware, with a reason, as a `regulatory.became_aware` audit record; the clocks follow.
void RegisterRegulatoryRoutes(HttpServer& server, const RegulatoryRoutesContext& context);

// DueRegulatoryWarnings computes `incident`'s clocks from its records, as the GET route shows
// them, and returns the warnings due at `now` (compliance/deadline_warnings.h).
Result<std::vector<compliance::DeadlineWarning>> DueRegulatoryWarnings(
    const RegulatoryRoutesContext& context, const Incident& incident,
    const compliance::WarningPolicy& policy, TimeMs now);

}  // namespace vakt::api
