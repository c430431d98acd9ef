#pragma once

#include "api/http_server.h"
#include "retro/response_metrics.h"

namespace vakt::api {

// RegisterReportRoutes adds GET /api/v1/reports/response?since=30d (MTTA / MTTR percentiles,
// drills apart, runbook effectiveness); each call also refreshes the response gauges on /metrics.
void RegisterReportRoutes(HttpServer& server, retro::ResponseMetrics& metrics);

}  // namespace vakt::api
