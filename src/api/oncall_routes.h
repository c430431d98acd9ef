#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "paging/paging_service.h"

namespace vakt::api {

struct OncallRoutesContext {
  paging::PagingService* paging = nullptr;
  auth::TokenService* tokens = nullptr;
  const Clock* clock = nullptr;
};

// RegisterOncallRoutes adds the on-call views over the loaded on-call file (plus API overrides):
//   GET  /api/v1/oncall/now[?schedule=ID]        who is on call now and who is next, per schedule
//   GET  /api/v1/schedules                       schedules with their layers
//   GET  /api/v1/schedules/{id}/shifts?from=&to= final schedule (RFC 3339 or Unix ms; <= 93 days)
//   GET  /api/v1/escalation-policies             policies with levels, targets and delays
//   POST /api/v1/schedules/{id}/overrides        {user, start, end} (approver)
void RegisterOncallRoutes(HttpServer& server, const OncallRoutesContext& context);

}  // namespace vakt::api
