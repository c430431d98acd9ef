#include "diagnose/runbook_drift.h"

#include <algorithm>
#include <cmath>

namespace vakt::diagnose {

Status ApplyDriftMethod(DriftReport& report, const std::string& method, double threshold,
                        double drift_share) {
  if (method.empty() || method == "default") return Status::Ok();
  if (method != "psi" && method != "ks" && method != "wasserstein" && method != "js") {
    return Status::InvalidArgument("drift method \"" + method +
                                   "\": must be psi, ks, wasserstein or js");
  }
  if (!(threshold > 0)) return Status::InvalidArgument("drift threshold must be positive");
  std::vector<bool> drifted;
  for (ColumnReport& column : report.columns) {
    DriftAnalysis& a = column.analysis;
    if (method == "psi") {
      a.test = DriftTest::kPsi;
      a.score = a.psi;
      a.threshold = threshold;
      a.drift = a.psi >= threshold;
    } else if (method == "js") {
      a.test = DriftTest::kJensenShannon;
      a.score = a.jensenshannon;
      a.threshold = threshold;
      a.drift = a.jensenshannon >= threshold;
    } else if (method == "wasserstein" && a.wasserstein_normed) {
      a.test = DriftTest::kWasserstein;
      a.score = *a.wasserstein_normed;
      a.threshold = threshold;
      a.drift = *a.wasserstein_normed >= threshold;
    } else if (method == "ks" && a.ks) {
      a.test = DriftTest::kKs;
      a.score = a.ks->pvalue;
      a.threshold = threshold;
      a.drift = a.ks->pvalue < threshold;
    }
    drifted.push_back(a.drift);
  }
  report.dataset = DecideDatasetDrift(drifted, drift_share);
  return Status::Ok();
}

nlohmann::json DriftHistogramsToJson(const DriftReport& report) {
  nlohmann::json out = nlohmann::json::array();
  for (const ColumnReport& column : report.columns) {
    const Binning& binning = column.analysis.binning;
    nlohmann::json item = {{"column", column.column},
                           {"type", ColumnTypeName(column.analysis.type)},
                           {"drift", column.analysis.drift},
                           {"reference_counts", binning.ref_counts},
                           {"current_counts", binning.cur_counts},
                           {"n_reference", column.analysis.n_ref},
                           {"n_current", column.analysis.n_cur}};
    if (!binning.per_value) {
      item["bins"] = "edges";
      nlohmann::json edges = nlohmann::json::array();
      for (double edge : binning.edges) edges.push_back(JsonNumber(edge));
      item["edges"] = edges;
    } else {
      // One bin per value: a high-cardinality column would flood the console, so keep the
      // first kMaxValueBins (keys ascending) and say so.
      constexpr size_t kMaxValueBins = 200;
      item["bins"] = "values";
      nlohmann::json keys = nlohmann::json::array();
      const size_t count = std::max(binning.string_keys.size(), binning.numeric_keys.size());
      for (size_t at = 0; at < count && at < kMaxValueBins; ++at) {
        if (column.analysis.type == ColumnType::kCategorical) {
          keys.push_back(binning.string_keys[at]);
        } else {
          keys.push_back(JsonNumber(binning.numeric_keys[at]));
        }
      }
      item["values"] = keys;
      if (count > kMaxValueBins) {
        item["truncated"] = true;
        item["reference_counts"] =
            Counts(binning.ref_counts.begin(), binning.ref_counts.begin() + kMaxValueBins);
        item["current_counts"] =
            Counts(binning.cur_counts.begin(), binning.cur_counts.begin() + kMaxValueBins);
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace vakt::diagnose
