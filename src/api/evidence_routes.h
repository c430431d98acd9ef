#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "evidence/retention.h"
#include "storage/evidence_retention.h"
#include "storage/incident_store.h"
#include "storage/sql_evidence_store.h"

namespace vakt::api {

struct EvidenceRoutesContext {
  storage::SqlEvidenceStore* evidence = nullptr;
  auth::TokenService* tokens = nullptr;
  storage::Database* database = nullptr;  // audit records: reads, lists, classes, holds, purges
  const Clock* clock = nullptr;
  evidence::RetentionClasses classes = evidence::DefaultRetentionClasses();  // vakt.yaml evidence:
  storage::IncidentStore* incidents = nullptr;  // legal holds only on incidents that exist
};

// RegisterEvidenceRoutes adds the evidence store's API (docs/openapi.yaml "evidence"):
//   GET  /api/v1/incidents/{id}/evidence          captures with retention class and legal hold
//                                                 (viewer; not audited: metadata only)
//   GET  /api/v1/evidence/{sha256}                the bytes as an attachment (viewer; audited as
//                                                 evidence.read before the bytes leave)
//   PUT  /api/v1/incidents/{id}/evidence/{sha256}/retention  {"class","reason"} (responder)
//   PUT  /api/v1/incidents/{id}/legal-hold        {"hold","reason"} (admin: a compliance decision)
//   POST /api/v1/evidence/retention/sweep         run the retention sweep now (admin)
// Every read has an actor, so all of them need a token.
void RegisterEvidenceRoutes(HttpServer& server, const EvidenceRoutesContext& context);

// RetentionSweepReportToJson is {"purged": [sha256…], "kept": [{"sha256", "reason"}…]}.
nlohmann::json RetentionSweepReportToJson(const storage::RetentionSweepReport& report);

}  // namespace vakt::api
