#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

// Model regression from a quality metric series (a Prometheus range query such as
// `ml_model_auc{pipeline="credit-risk"}`, or a CSV of timestamp,value), split at the deployment
// time: the periods before and after are compared with each other (Mann-Whitney U, two-sided)
// and with the runbook's baseline and tolerance. Pure functions; thread-safe.
namespace vakt::diagnose {

struct MetricPoint {
  TimeMs time = 0;
  double value = 0;
};

// HigherIsBetter says which direction of a named metric is good: auc, accuracy, precision,
// recall, f1 … are; error-like metrics (mape, mae, rmse, mse, logloss, brier, ece, latency …)
// are not. Unknown names count as higher-is-better.
bool HigherIsBetter(const std::string& metric);

struct MetricRegressionOptions {
  std::string metric;     // name, decides the good direction
  double baseline = 0;    // expected level; 0 = none (compare with the period before)
  double tolerance = 0;   // allowed shortfall against the reference level
  double alpha = 0.05;    // significance level of the before/after test
};

struct MetricPeriod {
  int64_t n = 0;
  double mean = 0, min = 0, max = 0;
};

// MetricRegressionReport compares the periods. `shortfall` is how much worse the after-period
// mean is than the reference (the baseline when set, else the before-period mean), positive =
// worse. It is `regressed` when shortfall > tolerance and, when both periods have at least 3
// points, the after period is significantly worse than the before period (p < alpha).
struct MetricRegressionReport {
  std::string metric;
  bool higher_is_better = true;
  TimeMs split_at = 0;
  MetricPeriod before, after;
  std::string reference_kind;  // "baseline" or "before"
  double reference = 0;
  double shortfall = 0;
  double tolerance = 0;
  std::optional<double> pvalue;  // Mann-Whitney U, two-sided
  bool regressed = false;
  std::string explanation;
};

// CompareMetricSeries splits `points` at `split_at` (before < split <= after) and compares.
// Errors: InvalidArgument when no point is at or after the split, or when neither a baseline
// nor a before period exists to compare with.
Result<MetricRegressionReport> CompareMetricSeries(const std::vector<MetricPoint>& points,
                                                   TimeMs split_at,
                                                   const MetricRegressionOptions& options);

// ReadMetricSeries reads CSV or JSON Lines with columns timestamp (RFC 3339 or Unix seconds) and
// value. Errors: NotFound, InvalidArgument naming the file and row.
Result<std::vector<MetricPoint>> ReadMetricSeries(const std::string& path);

nlohmann::json MetricRegressionToJson(const MetricRegressionReport& report);

}  // namespace vakt::diagnose
