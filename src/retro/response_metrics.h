#pragma once

#include <mutex>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "incident/incident_service.h"
#include "storage/sql_drill_store.h"

namespace vakt::retro {

// ResponseMetrics computes the response report (MTTA / MTTR p50 and p90 per pipeline, runbook,
// team and severity; drills apart; runbook effectiveness) from the stored incidents and steps,
// and publishes the overall and per-pipeline figures as gauges for GET /metrics. Thread-safe.
class ResponseMetrics {
 public:
  ResponseMetrics(incident::IncidentService& incidents, storage::SqlDrillStore& store,
                  const Clock& clock, MetricsRegistry& metrics);

  // Report computes the report over incidents opened in the last `window_ms` and refreshes the
  // gauges (window label "report").
  Result<nlohmann::json> Report(TimeMs window_ms);

 private:
  void Publish(const nlohmann::json& report);

  incident::IncidentService& incidents_;
  storage::SqlDrillStore& store_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  std::mutex publish_mu_;
};

}  // namespace vakt::retro
