#pragma once

#include "api/http_server.h"
#include "auth/auth.h"
#include "common/clock.h"
#include "drill/drill_scheduler.h"
#include "drill/drill_service.h"

namespace vakt::api {

struct DrillRoutesContext {
  drill::DrillService* drills = nullptr;
  drill::DrillScheduler* schedules = nullptr;  // optional: the schedule routes need it
  auth::TokenService* tokens = nullptr;
  const Clock* clock = nullptr;
};

// RegisterDrillRoutes adds POST /api/v1/drills {runbook, scenario} (responder) and
// GET /api/v1/drills/scoreboard?since=30d; drill schedules: POST /api/v1/drills/schedules
// {runbook, scenario?, every, weekday?, at, time_zone} (responder), GET /api/v1/drills/schedules,
// DELETE /api/v1/drills/schedules/{id} (responder).
void RegisterDrillRoutes(HttpServer& server, const DrillRoutesContext& context);

// ParseSinceWindow reads a "since" query value such as 30d, 12h or 90m (default 30d, at most
// 400 days) into milliseconds; InvalidArgument naming "since".
Result<TimeMs> ParseSinceWindow(const Request& request);

}  // namespace vakt::api
