#include "retro/response_metrics.h"

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
  Publish(report);
  return report;
}

void ResponseMetrics::Publish(const nlohmann::json& report) {
  std::lock_guard lock(publish_mu_);
  const std::pair<const char*, const char*> figures[] = {
      {"mtta_p50_ms", "vakt_response_mtta_p50_ms"}, {"mtta_p90_ms", "vakt_response_mtta_p90_ms"},
      {"mttr_p50_ms", "vakt_response_mttr_p50_ms"}, {"mttr_p90_ms", "vakt_response_mttr_p90_ms"}};
  for (const char* kind : {"incidents", "drills"}) {
    const nlohmann::json& section = report[kind];
    auto publish = [&](const nlohmann::json& stats, const std::string& pipeline) {
      for (const auto& [field, name] : figures) {
        // A milestone nobody reached publishes -1 (gauges have no "absent" value once created).
        std::int64_t value = stats[field].is_number() ? stats[field].get<std::int64_t>() : -1;
        metrics_.GetGauge(name, "Incident response percentile over the last report window (ms; -1: none)",
                          {{"kind", kind}, {"pipeline", pipeline}})
            .Set(value);
      }
      metrics_.GetGauge("vakt_response_incidents", "Incidents in the last report window",
                        {{"kind", kind}, {"pipeline", pipeline}})
          .Set(stats["incidents"].get<std::int64_t>());
    };
    publish(section["overall"], "all");
    for (const auto& [pipeline, stats] : section["by_pipeline"].items()) publish(stats, pipeline);
  }
}

}  // namespace vakt::retro
