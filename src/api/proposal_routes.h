#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "retro/proposal_service.h"

namespace vakt::api {

struct ProposalRoutesContext {
  retro::ProposalService* proposals = nullptr;
  auth::TokenService* tokens = nullptr;
};

// RegisterProposalRoutes adds runbook change proposals: POST/GET /api/v1/runbooks/{id}/proposals
// (create: responder), GET /api/v1/proposals[/{n}], POST /api/v1/proposals/{n}/review and
// /apply (approver; the reviewer must not be the author).
void RegisterProposalRoutes(HttpServer& server, const ProposalRoutesContext& context);

}  // namespace vakt::api
