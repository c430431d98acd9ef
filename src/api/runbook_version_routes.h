#pragma once

#include "api/http_server.h"
#include "storage/sql_runbook_version_store.h"

namespace vakt::api {

struct RunbookVersionRoutesContext {
  storage::SqlRunbookVersionStore* versions = nullptr;
};

// RegisterRunbookVersionRoutes adds the read-only runbook history:
// GET /api/v1/runbooks/{id}/versions, /versions/{n} (with content) and
// /diff?from=N&to=M (unified diff; default: the latest version against the one before).
void RegisterRunbookVersionRoutes(HttpServer& server, const RunbookVersionRoutesContext& context);

}  // namespace vakt::api
