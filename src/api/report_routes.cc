#include "api/report_routes.h"

#include "api/drill_routes.h"

namespace vakt::api {

void RegisterReportRoutes(HttpServer& server, retro::ResponseMetrics& metrics) {
  server.Route("GET", "/api/v1/reports/response", "report_response",
               [&metrics](const Request& request) {
                 auto window = ParseSinceWindow(request);
                 if (!window.ok()) return ProblemResponse(window.status());
                 auto report = metrics.Report(*window);
                 if (!report.ok()) return ProblemResponse(report.status());
                 return JsonResponse(200, *report);
               });
}

}  // namespace vakt::api
