#include "diagnose/regression.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "common/time_format.h"
#include "diagnose/special_functions.h"
#include "diagnose/table_reader.h"

namespace vakt::diagnose {
namespace {

// Midranks (1-based, ties averaged) of `values` in their own order.
std::vector<double> MidRanksOf(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

double SampleVariance(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double mean = PairwiseSum(v) / static_cast<double>(v.size());
  std::vector<double> sq(v.size());
  for (size_t i = 0; i < v.size(); ++i) sq[i] = (v[i] - mean) * (v[i] - mean);
  return PairwiseSum(sq) / static_cast<double>(v.size() - 1);
}

double TwoSidedNormalP(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

std::string Percent(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4f", v);
  return buffer;
}

nlohmann::json QualityToJson(const ModelQuality& q) {
  return {{"n", q.n},
          {"positives", q.positives},
          {"negatives", q.negatives},
          {"auc", q.auc},
          {"auc_ci", {q.auc_ci_low, q.auc_ci_high}},
          {"auc_variance", q.auc_variance},
          {"accuracy", q.accuracy},
          {"precision", q.precision},
          {"recall", q.recall},
          {"f1", q.f1},
          {"ece", q.ece}};
}

Result<int> ParseLabel(const std::string& text) {
  if (text == "1" || text == "1.0" || text == "true" || text == "True") return 1;
  if (text == "0" || text == "0.0" || text == "false" || text == "False") return 0;
  return Status::InvalidArgument("label '" + text + "' is not 0/1/true/false");
}

}  // namespace

const char* RegressionVerdictName(RegressionVerdict verdict) {
  switch (verdict) {
    case RegressionVerdict::kRegressed:
      return "regressed";
    case RegressionVerdict::kImproved:
      return "improved";
    case RegressionVerdict::kNoSignificantChange:
      return "no_significant_change";
  }
  return "unknown";
}

double NormalQuantile(double p) {
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  // Acklam's rational approximation, then Newton steps on the accurate CDF.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00, 2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  for (int i = 0; i < 3; ++i) {
    const double err = NormalCdf(x) - p;
    const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
    if (pdf == 0) break;
    x -= err / pdf;
  }
  return x;
}

Result<AucEstimate> DeLongAuc(const std::vector<LabeledPrediction>& predictions) {
  std::vector<double> positives;
  std::vector<double> negatives;
  std::vector<double> all;
  for (const LabeledPrediction& p : predictions) {
    (p.label ? positives : negatives).push_back(p.score);
    all.push_back(p.score);
  }
  if (positives.empty() || negatives.empty()) {
    return Status::InvalidArgument("AUC needs both classes (positives " +
                                   std::to_string(positives.size()) + ", negatives " +
                                   std::to_string(negatives.size()) + ")");
  }
  const double m = static_cast<double>(positives.size());
  const double n = static_cast<double>(negatives.size());
  const std::vector<double> rank_all = MidRanksOf(all);
  const std::vector<double> rank_pos = MidRanksOf(positives);
  const std::vector<double> rank_neg = MidRanksOf(negatives);
  // Structural components: V10_i = P(score_i > negative), V01_j = P(positive > score_j).
  std::vector<double> v10(positives.size());
  std::vector<double> v01(negatives.size());
  size_t ip = 0;
  size_t in = 0;
  double rank_sum_pos = 0;
  for (size_t k = 0; k < predictions.size(); ++k) {
    if (predictions[k].label) {
      v10[ip] = (rank_all[k] - rank_pos[ip]) / n;
      rank_sum_pos += rank_all[k];
      ++ip;
    } else {
      v01[in] = 1.0 - (rank_all[k] - rank_neg[in]) / m;
      ++in;
    }
  }
  AucEstimate out;
  out.auc = (rank_sum_pos - m * (m + 1) / 2) / (m * n);
  out.variance = SampleVariance(v10) / m + SampleVariance(v01) / n;
  return out;
}

Result<ModelQuality> EvaluateModel(const std::vector<LabeledPrediction>& predictions,
                                   const RegressionOptions& options) {
  VAKT_ASSIGN_OR_RETURN(AucEstimate auc, DeLongAuc(predictions));
  ModelQuality q;
  q.n = static_cast<int64_t>(predictions.size());
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  const int bins = std::max(1, options.calibration_bins);
  std::vector<double> bin_score(bins, 0.0), bin_label(bins, 0.0);
  std::vector<int64_t> bin_count(bins, 0);
  for (const LabeledPrediction& p : predictions) {
    const bool predicted = p.score >= options.threshold;
    if (p.label) {
      ++q.positives;
      predicted ? ++tp : ++fn;
    } else {
      ++q.negatives;
      predicted ? ++fp : ++tn;
    }
    int bin = static_cast<int>(std::floor(p.score * bins));
    bin = std::clamp(bin, 0, bins - 1);
    bin_score[bin] += p.score;
    bin_label[bin] += p.label;
    ++bin_count[bin];
  }
  q.auc = auc.auc;
  q.auc_variance = auc.variance;
  const double z = NormalQuantile(1 - options.alpha / 2);
  const double se = std::sqrt(auc.variance);
  q.auc_ci_low = std::max(0.0, auc.auc - z * se);
  q.auc_ci_high = std::min(1.0, auc.auc + z * se);
  const double nd = static_cast<double>(q.n);
  q.accuracy = static_cast<double>(tp + tn) / nd;
  q.precision = tp + fp > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
  q.recall = tp + fn > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0;
  q.f1 = q.precision + q.recall > 0 ? 2 * q.precision * q.recall / (q.precision + q.recall) : 0.0;
  for (int b = 0; b < bins; ++b) {
    if (bin_count[b] == 0) continue;
    const double count = static_cast<double>(bin_count[b]);
    q.ece += count / nd * std::fabs(bin_label[b] / count - bin_score[b] / count);
  }
  return q;
}

Result<RegressionReport> CompareModels(const std::vector<LabeledPrediction>& before,
                                       const std::vector<LabeledPrediction>& after,
                                       const RegressionOptions& options) {
  RegressionReport r;
  VAKT_ASSIGN_OR_RETURN(r.before, EvaluateModel(before, options));
  VAKT_ASSIGN_OR_RETURN(r.after, EvaluateModel(after, options));
  r.auc_delta = r.after.auc - r.before.auc;
  const double se = std::sqrt(r.before.auc_variance + r.after.auc_variance);
  r.auc_delta_z = se > 0 ? r.auc_delta / se : 0.0;
  r.auc_delta_pvalue = se > 0 ? TwoSidedNormalP(r.auc_delta_z) : (r.auc_delta == 0 ? 1.0 : 0.0);
  r.accuracy_delta = r.after.accuracy - r.before.accuracy;
  const double n1 = static_cast<double>(r.before.n);
  const double n2 = static_cast<double>(r.after.n);
  const double pooled = (r.before.accuracy * n1 + r.after.accuracy * n2) / (n1 + n2);
  const double acc_se = std::sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  r.accuracy_delta_pvalue =
      acc_se > 0 ? TwoSidedNormalP(r.accuracy_delta / acc_se) : (r.accuracy_delta == 0 ? 1.0 : 0.0);

  std::ostringstream why;
  if (r.auc_delta_pvalue < options.alpha) {
    r.verdict = r.auc_delta < 0 ? RegressionVerdict::kRegressed : RegressionVerdict::kImproved;
    why << "AUC " << (r.auc_delta < 0 ? "fell" : "rose") << " from " << Percent(r.before.auc)
        << " to " << Percent(r.after.auc) << " (DeLong p = " << r.auc_delta_pvalue << ")";
  } else if (r.accuracy_delta_pvalue < options.alpha) {
    r.verdict =
        r.accuracy_delta < 0 ? RegressionVerdict::kRegressed : RegressionVerdict::kImproved;
    why << "accuracy at threshold " << options.threshold << " "
        << (r.accuracy_delta < 0 ? "fell" : "rose") << " from " << Percent(r.before.accuracy)
        << " to " << Percent(r.after.accuracy) << " (p = " << r.accuracy_delta_pvalue
        << "); AUC change not significant";
  } else {
    why << "no significant change: AUC " << Percent(r.before.auc) << " -> " << Percent(r.after.auc)
        << " (p = " << r.auc_delta_pvalue << ")";
  }
  r.explanation = why.str();
  return r;
}

std::pair<std::vector<LabeledPrediction>, std::vector<LabeledPrediction>> SplitAt(
    const std::vector<LabeledPrediction>& predictions, TimeMs split) {
  std::pair<std::vector<LabeledPrediction>, std::vector<LabeledPrediction>> out;
  for (const LabeledPrediction& p : predictions) {
    if (!p.timestamp) continue;
    (*p.timestamp < split ? out.first : out.second).push_back(p);
  }
  return out;
}

Result<std::vector<LabeledPrediction>> ReadPredictions(const std::string& path) {
  TableSchema schema;
  // Read everything as text so that rows stay aligned; missing values are rejected below.
  schema.categorical = {"score", "label"};
  schema.columns = {"score", "label"};
  Result<Table> with_time = [&] {
    TableSchema timed = schema;
    timed.categorical.insert("timestamp");
    timed.columns.push_back("timestamp");
    return ReadTable(path, timed);
  }();
  Result<Table> table = with_time.ok() ? std::move(with_time) : ReadTable(path, schema);
  if (!table.ok()) return table.status();
  std::vector<const TableColumn*> columns;
  for (const TableColumn& c : table->columns) {
    if (static_cast<int64_t>(c.sample.strings.size()) != c.sample.raw_count ||
        c.sample.raw_count != table->rows) {
      return Status::InvalidArgument(path + ": column '" + c.name + "' has missing values");
    }
    columns.push_back(&c);
  }
  std::vector<LabeledPrediction> out(static_cast<size_t>(table->rows));
  for (size_t row = 0; row < out.size(); ++row) {
    const std::string where = path + ": row " + std::to_string(row + 1);
    const std::string& score = columns[0]->sample.strings[row];
    char* end = nullptr;
    out[row].score = std::strtod(score.c_str(), &end);
    if (end == score.c_str() || *end != '\0' || !std::isfinite(out[row].score)) {
      return Status::InvalidArgument(where + ": score '" + score + "' is not a number");
    }
    Result<int> label = ParseLabel(columns[1]->sample.strings[row]);
    if (!label.ok()) return label.status().WithContext(where);
    out[row].label = *label;
    if (columns.size() > 2) {
      const std::string& ts = columns[2]->sample.strings[row];
      Result<TimeMs> parsed = ParseRfc3339(ts);
      if (parsed.ok()) {
        out[row].timestamp = *parsed;
      } else {
        const double seconds = std::strtod(ts.c_str(), &end);
        if (end == ts.c_str() || *end != '\0') {
          return Status::InvalidArgument(where + ": timestamp '" + ts +
                                         "' is neither RFC 3339 nor Unix seconds");
        }
        out[row].timestamp = static_cast<TimeMs>(std::llround(seconds * 1000));
      }
    }
  }
  return out;
}

nlohmann::json RegressionReportToJson(const RegressionReport& r) {
  return {{"before", QualityToJson(r.before)},
          {"after", QualityToJson(r.after)},
          {"auc_delta", r.auc_delta},
          {"auc_delta_z", r.auc_delta_z},
          {"auc_delta_pvalue", r.auc_delta_pvalue},
          {"accuracy_delta", r.accuracy_delta},
          {"accuracy_delta_pvalue", r.accuracy_delta_pvalue},
          {"verdict", RegressionVerdictName(r.verdict)},
          {"explanation", r.explanation}};
}

std::string RegressionReportToText(const RegressionReport& r) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-8s %8s %8s %19s %8s %8s %8s %8s %8s\n", "PERIOD", "N",
                "AUC", "AUC CI", "ACC", "PREC", "RECALL", "F1", "ECE");
  out << line;
  for (const auto& [name, q] : {std::pair<const char*, const ModelQuality*>{"before", &r.before},
                               {"after", &r.after}}) {
    std::snprintf(line, sizeof(line), "%-8s %8lld %8.4f [%8.4f,%8.4f] %8.4f %8.4f %8.4f %8.4f %8.4f\n",
                  name, static_cast<long long>(q->n), q->auc, q->auc_ci_low, q->auc_ci_high,
                  q->accuracy, q->precision, q->recall, q->f1, q->ece);
    out << line;
  }
  out << "verdict: " << RegressionVerdictName(r.verdict) << " — " << r.explanation << "\n";
  return out.str();
}

}  // namespace vakt::diagnose
