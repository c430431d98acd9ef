#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "diagnose/prometheus_client.h"
#include "diagnose/triage.h"

// Infrastructure findings: a runbook lists PromQL conditions that indicate infrastructure
// trouble (`up{job="fraud-serving"} == 0`, `sum(rate(...5xx...)) > 0`); each is evaluated as a
// range query over the incident window, and any series it returns means the condition held.
// The pure decoding (InfraOutcomeFromResult) is separate from the I/O (EvaluateInfrastructure).
namespace vakt::diagnose {

// PromCondition is the trailing top-level comparison of a PromQL expression ("== 0", "> 0.5").
struct PromCondition {
  std::string op;  // ==, !=, >, <, >=, <=
  double threshold = 0;
};
// ParseTrailingCondition returns the comparison an expression ends with, if any.
std::optional<PromCondition> ParseTrailingCondition(const std::string& expr);

// MetricNameOf returns the first metric name an expression selects ("up" for
// `up{job="x"} == 0`, "http_requests_total" for `sum(rate(http_requests_total[5m]))`), or "".
std::string MetricNameOf(const std::string& expr);

// InfraCategoryOf classifies an expression: availability, errors, latency, saturation or other.
std::string InfraCategoryOf(const std::string& expr);

// InfraSeriesValue is one series' worst value in the window.
struct InfraSeriesValue {
  std::map<std::string, std::string> labels;
  double value = 0;
  TimeMs time = 0;
};

// InfraOutcome is one evaluated query: the finding triage consumes plus what a human needs to
// check it (the series that matched, or the error that kept the query from running).
struct InfraOutcome {
  std::string query;
  std::string category;
  InfraFinding finding;
  std::vector<InfraSeriesValue> series;  // worst first, at most 20
  size_t series_count = 0;
  std::string error;  // non-empty when the query could not be evaluated
};

// InfraOutcomeFromResult judges one query's answer: with a trailing condition the query holds
// (breached) when any sample came back, and the value is the worst one in the condition's
// direction (the minimum for <, <=; the maximum for >, >=); without one nothing is judged and
// the latest value is reported.
InfraOutcome InfraOutcomeFromResult(const std::string& query, const PromQueryResult& result);

struct InfraWindow {
  TimeMs start = 0;
  TimeMs end = 0;
  size_t max_points = 240;   // range-query resolution bound
  TimeMs min_step_ms = 1'000;
};

// EvaluateInfrastructure runs every query over the window. A query that fails is reported in its
// outcome's `error` (and not breached) so one bad expression does not hide the others.
std::vector<InfraOutcome> EvaluateInfrastructure(const PrometheusClient& client,
                                                 const std::vector<std::string>& queries,
                                                 const InfraWindow& window);

// StepFor is the range-query step for a window: (end - start) / max_points, at least min_step.
TimeMs StepFor(const InfraWindow& window);

nlohmann::json InfraOutcomeToJson(const InfraOutcome& outcome);

}  // namespace vakt::diagnose
