#pragma once

#include <functional>

#include "api/http_server.h"
#include "common/metrics.h"

namespace vakt::api {

// RegisterOpsRoutes adds /healthz (process alive), /readyz (`ready()` true: storage reachable and
// not draining) and /metrics (Prometheus text format).
void RegisterOpsRoutes(HttpServer& server, MetricsRegistry& metrics, std::function<Status()> ready);

}  // namespace vakt::api
