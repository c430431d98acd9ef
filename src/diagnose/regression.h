#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

// Model regression: compare a binary classifier's quality before vs after a change from
// labelled predictions. AUC with a DeLong confidence interval (DeLong et al. 1988, in the
// midrank form of Sun & Xu 2014), threshold metrics, expected calibration error, and a
// significance verdict. Pure functions; thread-safe.
namespace vakt::diagnose {

// LabeledPrediction is one scored example: `score` is the model's probability-like output,
// `label` the observed class (0/1), `timestamp` when it was scored (if known).
struct LabeledPrediction {
  double score = 0;
  int label = 0;
  std::optional<TimeMs> timestamp;
};

struct RegressionOptions {
  double threshold = 0.5;     // predict positive when score >= threshold
  double alpha = 0.05;        // significance level for CIs and the verdict
  int calibration_bins = 10;  // equal-width bins on [0, 1] for ECE
};

// ModelQuality summarises one period.
struct ModelQuality {
  int64_t n = 0, positives = 0, negatives = 0;
  double auc = 0;
  double auc_variance = 0;  // DeLong
  double auc_ci_low = 0, auc_ci_high = 0;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;
  double ece = 0;
};

enum class RegressionVerdict { kRegressed, kImproved, kNoSignificantChange };
const char* RegressionVerdictName(RegressionVerdict verdict);

// RegressionReport compares two periods.
struct RegressionReport {
  ModelQuality before;
  ModelQuality after;
  double auc_delta = 0;        // after - before
  double auc_delta_z = 0;      // DeLong z for independent samples
  double auc_delta_pvalue = 1;  // two-sided
  double accuracy_delta = 0;
  double accuracy_delta_pvalue = 1;  // pooled two-proportion z-test, two-sided
  RegressionVerdict verdict = RegressionVerdict::kNoSignificantChange;
  std::string explanation;
};

// DeLongAuc computes AUC and its DeLong variance. REQUIRES: both classes present.
struct AucEstimate {
  double auc = 0;
  double variance = 0;
};
Result<AucEstimate> DeLongAuc(const std::vector<LabeledPrediction>& predictions);

// NormalQuantile is the inverse of the standard normal CDF (scipy.special.ndtri), 0 < p < 1.
double NormalQuantile(double p);

// EvaluateModel computes one period's quality. Errors: InvalidArgument when a class is absent.
Result<ModelQuality> EvaluateModel(const std::vector<LabeledPrediction>& predictions,
                                   const RegressionOptions& options = {});

// CompareModels evaluates both periods and decides: regressed when AUC fell with DeLong p < alpha
// (or, failing that, accuracy fell with p < alpha), improved symmetrically.
Result<RegressionReport> CompareModels(const std::vector<LabeledPrediction>& before,
                                       const std::vector<LabeledPrediction>& after,
                                       const RegressionOptions& options = {});

// SplitAt partitions predictions by timestamp: before < split <= after. Predictions without a
// timestamp are dropped.
std::pair<std::vector<LabeledPrediction>, std::vector<LabeledPrediction>> SplitAt(
    const std::vector<LabeledPrediction>& predictions, TimeMs split);

// ReadPredictions reads CSV or JSON Lines with columns score, label and optionally timestamp
// (RFC 3339 or Unix seconds). Errors: InvalidArgument naming the file and row.
Result<std::vector<LabeledPrediction>> ReadPredictions(const std::string& path);

nlohmann::json RegressionReportToJson(const RegressionReport& report);
std::string RegressionReportToText(const RegressionReport& report);

}  // namespace vakt::diagnose
