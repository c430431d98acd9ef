#include "diagnose/metric_regression.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "common/time_format.h"
#include "diagnose/rank_tests.h"
#include "diagnose/table_reader.h"

namespace vakt::diagnose {
namespace {

MetricPeriod Summarize(const std::vector<double>& values) {
  MetricPeriod period;
  period.n = static_cast<int64_t>(values.size());
  if (values.empty()) return period;
  double sum = 0;
  period.min = values.front();
  period.max = values.front();
  for (double value : values) {
    sum += value;
    period.min = std::min(period.min, value);
    period.max = std::max(period.max, value);
  }
  period.mean = sum / static_cast<double>(values.size());
  return period;
}

std::string Num(double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

nlohmann::json PeriodJson(const MetricPeriod& period) {
  return {{"n", period.n}, {"mean", period.mean}, {"min", period.min}, {"max", period.max}};
}

}  // namespace

bool HigherIsBetter(const std::string& metric) {
  static constexpr std::array<std::string_view, 16> kLowerIsBetter = {
      "mape", "mae", "rmse", "mse", "logloss", "log_loss", "brier", "ece", "error", "latency",
      "loss", "smape", "wape", "fpr", "fnr", "calibration_error"};
  std::string lower = metric;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (std::string_view name : kLowerIsBetter) {
    if (lower == name || lower.find(name) != std::string::npos) return false;
  }
  return true;
}

Result<MetricRegressionReport> CompareMetricSeries(const std::vector<MetricPoint>& points,
                                                   TimeMs split_at,
                                                   const MetricRegressionOptions& options) {
  std::vector<double> before, after;
  for (const MetricPoint& point : points) {
    if (!std::isfinite(point.value)) continue;
    (point.time < split_at ? before : after).push_back(point.value);
  }
  if (after.empty()) {
    return Status::InvalidArgument("no " + options.metric + " values at or after " +
                                   FormatRfc3339(split_at));
  }
  if (before.empty() && options.baseline == 0) {
    return Status::InvalidArgument("no " + options.metric + " values before " +
                                   FormatRfc3339(split_at) + " and no baseline to compare with");
  }
  MetricRegressionReport report;
  report.metric = options.metric;
  report.higher_is_better = HigherIsBetter(options.metric);
  report.split_at = split_at;
  report.before = Summarize(before);
  report.after = Summarize(after);
  report.tolerance = options.tolerance;
  if (options.baseline != 0) {
    report.reference_kind = "baseline";
    report.reference = options.baseline;
  } else {
    report.reference_kind = "before";
    report.reference = report.before.mean;
  }
  report.shortfall = report.higher_is_better ? report.reference - report.after.mean
                                             : report.after.mean - report.reference;
  bool significant = true;
  if (before.size() >= 3 && after.size() >= 3) {
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    const MannWhitneyResult test = MannWhitney(before, after);
    report.pvalue = test.pvalue_auto;
    const bool worse_than_before = report.higher_is_better ? report.after.mean < report.before.mean
                                                           : report.after.mean > report.before.mean;
    significant = worse_than_before && test.pvalue_auto < options.alpha;
  }
  report.regressed = report.shortfall > options.tolerance && significant;
  const std::string direction = report.higher_is_better ? "higher" : "lower";
  std::string text = options.metric + " " + Num(report.before.mean) + " before -> " +
                     Num(report.after.mean) + " after " + FormatRfc3339(split_at) + " (" +
                     direction + " is better; " + report.reference_kind + " " +
                     Num(report.reference) + ", tolerance " + Num(options.tolerance);
  if (report.pvalue) text += ", Mann-Whitney p = " + Num(*report.pvalue);
  text += ")";
  report.explanation = (report.regressed ? "Regressed: " : "No significant regression: ") + text;
  return report;
}

Result<std::vector<MetricPoint>> ReadMetricSeries(const std::string& path) {
  TableSchema schema;
  schema.categorical = {"timestamp", "value"};  // text keeps rows aligned; parsed below
  schema.columns = {"timestamp", "value"};
  VAKT_ASSIGN_OR_RETURN(Table table, ReadTable(path, schema));
  const TableColumn& times = table.columns.at(0);
  const TableColumn& values = table.columns.at(1);
  if (static_cast<int64_t>(times.sample.strings.size()) != table.rows ||
      static_cast<int64_t>(values.sample.strings.size()) != table.rows) {
    return Status::InvalidArgument(path + ": timestamp and value must be present in every row");
  }
  std::vector<MetricPoint> out(static_cast<size_t>(table.rows));
  for (size_t row = 0; row < out.size(); ++row) {
    const std::string where = path + ": row " + std::to_string(row + 1);
    const std::string& ts = times.sample.strings[row];
    char* end = nullptr;
    if (Result<TimeMs> parsed = ParseRfc3339(ts); parsed.ok()) {
      out[row].time = *parsed;
    } else {
      const double seconds = std::strtod(ts.c_str(), &end);
      if (end == ts.c_str() || *end != '\0') {
        return Status::InvalidArgument(where + ": timestamp '" + ts +
                                       "' is neither RFC 3339 nor Unix seconds");
      }
      out[row].time = static_cast<TimeMs>(std::llround(seconds * 1000));
    }
    const std::string& text = values.sample.strings[row];
    out[row].value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') {
      return Status::InvalidArgument(where + ": value '" + text + "' is not a number");
    }
  }
  return out;
}

nlohmann::json MetricRegressionToJson(const MetricRegressionReport& report) {
  return {{"metric", report.metric},
          {"higher_is_better", report.higher_is_better},
          {"split_at", FormatRfc3339(report.split_at)},
          {"before", PeriodJson(report.before)},
          {"after", PeriodJson(report.after)},
          {"reference_kind", report.reference_kind},
          {"reference", report.reference},
          {"shortfall", report.shortfall},
          {"tolerance", report.tolerance},
          {"pvalue", report.pvalue ? nlohmann::json(*report.pvalue) : nlohmann::json(nullptr)},
          {"regressed", report.regressed},
          {"explanation", report.explanation}};
}

}  // namespace vakt::diagnose
