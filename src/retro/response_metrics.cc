#include "retro/response_metrics.h"

#include <spdlog/spdlog.h>

#include "retro/response_report.h"

namespace vakt::retro {
namespace {

constexpr size_t kMaxRecords = 100'000;
constexpr TimeMs kSlowStepMs = 15 * 60'000;

}  // namespace

ResponseMetrics::ResponseMetrics(incident::IncidentService& incidents,
                                 storage::SqlDrillStore& store, const Clock& clock,
                                 MetricsRegistry& metrics)
    : incidents_(incidents), store_(store), clock_(clock), metrics_(metrics) {}

Result<nlohmann::json> ResponseMetrics::Report(TimeMs window_ms) {
  TimeMs now = clock_.NowMs();
  TimeMs since = now - window_ms;
  VAKT_ASSIGN_OR_RETURN(auto records, store_.ListResponses(since, kMaxRecords));
  VAKT_ASSIGN_OR_RETURN(auto outcomes, store_.ListStepOutcomes(since, kMaxRecords));
  incident::Routing routing = incidents_.routing();
  auto team_of = [&routing](const std::string& pipeline) -> std::string {
    if (!routing.catalog) return "";
    const catalog::Pipeline* found = routing.catalog->FindPipeline(pipeline);
    return found != nullptr ? found->team : "";
  };
  nlohmann::json report = BuildResponseReport(records, team_of);
  report["since"] = since;
  report["until"] = now;
  report["truncated"] = records.size() >= kMaxRecords;
  report["runbook_effectiveness"] = RunbookEffectiveness(outcomes, kSlowStepMs);
  return report;
}

void ResponseMetrics::RefreshGauges() {
  std::lock_guard lock(publish_mu_);
  TimeMs now = clock_.NowMs();
  // Scrapers poll every few seconds; the window's milestones are read at most once a second.
  if (refreshed_at_ != 0 && now - refreshed_at_ < kGaugeMinIntervalMs && now >= refreshed_at_)
    return;
  auto records = store_.ListResponses(now - kGaugeWindowMs, kMaxRecords);
  if (!records.ok()) {
    spdlog::warn("response gauges not refreshed: {}", records.status().ToString());
    return;
  }
  incident::Routing routing = incidents_.routing();
  auto team_of = [&routing](const std::string& pipeline) -> std::string {
    if (!routing.catalog) return "";
    const catalog::Pipeline* found = routing.catalog->FindPipeline(pipeline);
    return found != nullptr ? found->team : "";
  };
  Publish(BuildResponseReport(*records, team_of));
  refreshed_at_ = now;
}

// REQUIRES: publish_mu_ held.
void ResponseMetrics::Publish(const nlohmann::json& report) {
  const std::pair<const char*, const char*> figures[] = {
      {"mtta_p50_ms", "vakt_response_mtta_p50_seconds"},
      {"mtta_p90_ms", "vakt_response_mtta_p90_seconds"},
      {"mttr_p50_ms", "vakt_response_mttr_p50_seconds"},
      {"mttr_p90_ms", "vakt_response_mttr_p90_seconds"}};
  std::set<std::pair<std::string, std::string>> now_published;
  auto publish = [&](const std::string& kind, const nlohmann::json& stats,
                     const std::string& pipeline) {
    for (const auto& [field, name] : figures) {
      // A milestone nobody reached publishes -1 (gauges have no "absent" value once created).
      // Prometheus wants base units: whole seconds, rounded up so a reached milestone is >= 1.
      std::int64_t value = stats.is_object() && stats[field].is_number()
                               ? (stats[field].get<std::int64_t>() + 999) / 1000
                               : -1;
      metrics_
          .GetGauge(name,
                    "Incident response percentile over the last 30 days (seconds, rounded up; "
                    "-1: none)",
                    {{"kind", kind}, {"pipeline", pipeline}})
          .Set(value);
    }
    metrics_
        .GetGauge("vakt_response_incidents", "Incidents opened in the last 30 days",
                  {{"kind", kind}, {"pipeline", pipeline}})
        .Set(stats.is_object() ? stats["incidents"].get<std::int64_t>() : 0);
    now_published.emplace(kind, pipeline);
  };
  for (const char* kind : {"incidents", "drills"}) {
    const nlohmann::json& section = report[kind];
    publish(kind, section["overall"], "all");
    for (const auto& [pipeline, stats] : section["by_pipeline"].items())
      publish(kind, stats, pipeline);
  }
  // A pipeline whose incidents all left the window drops to zero rather than keep old figures.
  for (const auto& [kind, pipeline] : published_) {
    if (!now_published.contains({kind, pipeline})) publish(kind, nlohmann::json(), pipeline);
  }
  published_ = std::move(now_published);
}

}  // namespace vakt::retro
