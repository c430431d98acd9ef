#include "diagnose/drift_report.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>

#include "diagnose/parallel.h"

namespace vakt::diagnose {
namespace {}  // namespace

Result<DriftReport> CompareTables(Table reference, Table current,
                                  const DriftReportOptions& options) {
  std::map<std::string, size_t, std::less<>> current_index;
  for (size_t i = 0; i < current.columns.size(); ++i) current_index[current.columns[i].name] = i;
  const size_t n = reference.columns.size();
  std::vector<size_t> pair(n);
  for (size_t i = 0; i < n; ++i) {
    const TableColumn& ref = reference.columns[i];
    auto it = current_index.find(ref.name);
    if (it == current_index.end()) {
      return Status::InvalidArgument("column '" + ref.name + "' is missing from the current data");
    }
    if (current.columns[it->second].type != ref.type) {
      return Status::InvalidArgument("column '" + ref.name + "' has different types");
    }
    pair[i] = it->second;
  }
  DriftReport report;
  report.columns.resize(n);
  std::vector<Status> errors(n);
  ParallelFor(n, options.threads, [&](size_t i) {
    TableColumn& ref = reference.columns[i];
    TableColumn& cur = current.columns[pair[i]];
    Result<DriftAnalysis> analysis =
        AnalyzeColumn(ref.type, std::move(ref.sample), std::move(cur.sample), options.statistics);
    if (!analysis.ok()) {
      errors[i] = analysis.status().WithContext("column '" + ref.name + "'");
      return;
    }
    report.columns[i].column = ref.name;
    report.columns[i].type = ref.type;
    report.columns[i].analysis = std::move(analysis).value();
  });
  for (const Status& s : errors) VAKT_RETURN_IF_ERROR(s);
  std::vector<bool> drift;
  for (const ColumnReport& c : report.columns) drift.push_back(c.analysis.drift);
  report.dataset = DecideDatasetDrift(drift, options.drift_share);
  return report;
}

nlohmann::json JsonNumber(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

nlohmann::json DriftReportToJson(const DriftReport& report) {
  nlohmann::json columns = nlohmann::json::array();
  for (const ColumnReport& c : report.columns) {
    const DriftAnalysis& a = c.analysis;
    nlohmann::json stats = nlohmann::json::object();
    if (a.ks) {
      stats["ks_statistic"] = JsonNumber(a.ks->statistic);
      stats["ks_pvalue"] = JsonNumber(a.ks->pvalue);
    }
    if (a.wasserstein) stats["wasserstein"] = JsonNumber(*a.wasserstein);
    if (a.wasserstein_normed) stats["wasserstein_normed"] = JsonNumber(*a.wasserstein_normed);
    stats["psi"] = JsonNumber(a.psi);
    stats["jensenshannon"] = JsonNumber(a.jensenshannon);
    stats["kl_divergence"] = JsonNumber(a.kl_divergence);
    if (a.chisquare) {
      stats["chi2_statistic"] = JsonNumber(a.chisquare->statistic);
      stats["chi2_pvalue"] = JsonNumber(a.chisquare->pvalue);
    }
    if (a.ztest) stats["z_pvalue"] = JsonNumber(a.ztest->pvalue);
    columns.push_back({{"column", c.column},
                       {"type", ColumnTypeName(c.type)},
                       {"n_reference", a.n_ref},
                       {"n_current", a.n_cur},
                       {"test", DriftTestName(a.test)},
                       {"score", JsonNumber(a.score)},
                       {"threshold", a.threshold},
                       {"drift", a.drift},
                       {"statistics", std::move(stats)}});
  }
  return {{"columns", std::move(columns)},
          {"dataset",
           {{"number_of_columns", report.dataset.number_of_columns},
            {"drifted_columns", report.dataset.drifted_columns},
            {"share", report.dataset.share},
            {"drift", report.dataset.drift}}}};
}

std::string DriftReportToText(const DriftReport& report) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-24s %-11s %9s %9s %-13s %12s %9s  %s\n", "COLUMN", "TYPE",
                "N_REF", "N_CUR", "TEST", "SCORE", "THRESHOLD", "DRIFT");
  out << line;
  for (const ColumnReport& c : report.columns) {
    const DriftAnalysis& a = c.analysis;
    std::snprintf(line, sizeof(line), "%-24s %-11s %9lld %9lld %-13s %12.6g %9.3g  %s\n",
                  c.column.c_str(), ColumnTypeName(c.type), static_cast<long long>(a.n_ref),
                  static_cast<long long>(a.n_cur), DriftTestName(a.test), a.score, a.threshold,
                  a.drift ? "DRIFT" : "-");
    out << line;
  }
  std::snprintf(line, sizeof(line), "dataset: %lld of %lld columns drifted (share %.3f): %s\n",
                static_cast<long long>(report.dataset.drifted_columns),
                static_cast<long long>(report.dataset.number_of_columns), report.dataset.share,
                report.dataset.drift ? "DRIFT" : "no drift");
  out << line;
  return out.str();
}

}  // namespace vakt::diagnose
