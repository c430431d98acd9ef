#pragma once

#include "api/http_server.h"
#include "audit/audit_log.h"
#include "audit/signed_note.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "storage/database.h"
#include "storage/sql_audit_leaf_store.h"

namespace vakt::api {

struct AuditRoutesContext {
  storage::Database* database = nullptr;  // to record exports and verifications in the log
  storage::SqlAuditLeafStore* store = nullptr;
  audit::AuditLog* log = nullptr;
  const audit::NoteVerifier* public_key = nullptr;
  std::string origin;
  auth::TokenService* tokens = nullptr;
  const Clock* clock = nullptr;
};

// RegisterAuditRoutes adds the tamper-evident log's read API (viewer role): /api/v1/audit/records,
// /checkpoint, /proof/inclusion, /proof/consistency, the unauthenticated /public-key, the admin
// POST /api/v1/audit/verify, and GET /api/v1/incidents/{id}/audit-bundle (an evidence bundle;
// the export itself is recorded in the log first). Format: docs/audit_log_format.md.
void RegisterAuditRoutes(HttpServer& server, const AuditRoutesContext& context);

}  // namespace vakt::api
