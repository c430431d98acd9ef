#pragma once

#include <string>

#include "api/http_server.h"
#include "audit/audit_log.h"
#include "audit/signed_note.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "incident/incident_service.h"
#include "stabilise/step_service.h"
#include "storage/database.h"
#include "storage/sql_audit_leaf_store.h"

namespace vakt::api {

struct IncidentExportRoutesContext {
  incident::IncidentService* incidents = nullptr;
  stabilise::StepService* steps = nullptr;  // the incident's steps and its evidence store
  storage::Database* database = nullptr;    // the export and evidence reads are audit records
  storage::SqlAuditLeafStore* audit_store = nullptr;
  audit::AuditLog* log = nullptr;
  const audit::NoteVerifier* public_key = nullptr;
  auth::TokenService* tokens = nullptr;
  const Clock* clock = nullptr;
};

// RegisterIncidentExportRoutes adds GET /api/v1/incidents/{id}/export (viewer): the incident's
// export archive (application/x-tar; audit/incident_export.h). Before any byte leaves, every
// evidence blob read for it is recorded as `evidence.read` and the export itself as
// `incident.export` with the manifest's SHA-256 as digest, so the archive carries the record of
// its own making.
void RegisterIncidentExportRoutes(HttpServer& server, const IncidentExportRoutesContext& context);

}  // namespace vakt::api
