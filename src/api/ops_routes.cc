#include "api/ops_routes.h"

namespace vakt::api {

void RegisterOpsRoutes(HttpServer& server, MetricsRegistry& metrics, std::function<Status()> ready,
                       std::function<void()> before_scrape) {
  server.Route("GET", "/healthz", "healthz", [](const Request&) {
    return JsonResponse(200, {{"status", "ok"}});
  });
  server.Route("GET", "/readyz", "readyz", [ready = std::move(ready)](const Request&) {
    Status status = ready();
    if (!status.ok()) return ProblemResponse(503, status.message());
    return JsonResponse(200, {{"status", "ready"}});
  });
  server.Route("GET", "/metrics", "metrics",
               [&metrics, before_scrape = std::move(before_scrape)](const Request&) {
                 if (before_scrape) before_scrape();
                 Response response;
                 response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                 response.body = metrics.RenderText();
                 return response;
               });
}

}  // namespace vakt::api
