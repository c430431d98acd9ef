#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "diagnose/diagnosis_service.h"

namespace vakt::api {

struct DiagnoseRoutesContext {
  diagnose::DiagnosisService* diagnoses = nullptr;
  auth::TokenService* tokens = nullptr;
};

// RegisterDiagnoseRoutes adds POST /api/v1/incidents/{id}/diagnose (responder: run the pinned
// runbook's investigate.diagnose section now, store and return the result) and
// GET /api/v1/incidents/{id}/diagnosis (the latest; ?all=1 lists the history, newest first).
void RegisterDiagnoseRoutes(HttpServer& server, const DiagnoseRoutesContext& context);

}  // namespace vakt::api
