#pragma once

#include <functional>

#include "api/http_server.h"
#include "common/metrics.h"

namespace vakt::api {

// RegisterOpsRoutes adds /healthz (process alive), /readyz (`ready()` true: storage reachable and
// not draining) and /metrics (Prometheus text format). `before_scrape`, when set, runs before
// each /metrics rendering, for gauges computed from stored records at scrape time.
void RegisterOpsRoutes(HttpServer& server, MetricsRegistry& metrics, std::function<Status()> ready,
                       std::function<void()> before_scrape = nullptr);

}  // namespace vakt::api
