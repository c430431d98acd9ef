#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "incident/incident_service.h"
#include "storage/sql_drill_store.h"

namespace vakt::retro {

// ResponseMetrics computes the response report (MTTA / MTTR p50 and p90 per pipeline, runbook,
// team and severity; drills apart; runbook effectiveness) from the stored incidents and steps,
// and the gauges for GET /metrics: the overall and per-pipeline figures over the last
// `kGaugeWindowMs`, drills and real incidents apart, recomputed from the stored incidents when
// scraped (one read of the window's milestones, at most once per `kGaugeMinIntervalMs`).
// Thread-safe.
class ResponseMetrics {
 public:
  ResponseMetrics(incident::IncidentService& incidents, storage::SqlDrillStore& store,
                  const Clock& clock, MetricsRegistry& metrics);

  static constexpr TimeMs kGaugeWindowMs = 30LL * 24 * 3600 * 1000;
  static constexpr TimeMs kGaugeMinIntervalMs = 1000;

  // Report computes the report over incidents opened in the last `window_ms`.
  Result<nlohmann::json> Report(TimeMs window_ms);
  // RefreshGauges recomputes the gauges from the stored incidents (a failure is logged and the
  // previous values stay).
  void RefreshGauges();

 private:
  void Publish(const nlohmann::json& report);

  incident::IncidentService& incidents_;
  storage::SqlDrillStore& store_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  std::mutex publish_mu_;
  TimeMs refreshed_at_ = 0;  // GUARDED_BY(publish_mu_)
  std::set<std::pair<std::string, std::string>>
      published_;  // (kind, pipeline); GUARDED_BY(publish_mu_)
};

}  // namespace vakt::retro
