#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "diagnose/drift_stats.h"
#include "diagnose/ks.h"
#include "diagnose/rank_tests.h"

// Per-column drift analysis with Evidently's default test choice, and the dataset verdict.
// See docs in issue 6 and /work/shared/testdata/drift/README.md for the exact definitions.
// Pure functions; thread-safe (no shared state), so columns may be analysed in parallel.
namespace vakt::diagnose {

enum class ColumnType { kNumerical, kCategorical };
const char* ColumnTypeName(ColumnType type);

// DriftTest names Evidently's stattests as they appear in reports.
// kPsi is never chosen by default; a runbook may ask for it (runbook_drift.h).
enum class DriftTest { kKs, kChiSquare, kZ, kWasserstein, kJensenShannon, kPsi };
const char* DriftTestName(DriftTest test);

// ColumnSample holds one column's non-missing values from one dataset: numbers for a numerical
// column, strings for a categorical one. raw_count counts rows including missing ones.
struct ColumnSample {
  std::vector<double> numbers;
  std::vector<std::string> strings;
  int64_t raw_count = 0;
};

// Binning is Evidently's get_binned_data: Sturges bins for numerical columns whose reference has
// more than 20 unique values, otherwise one bin per unique value of ref u cur (keys ascending).
struct Binning {
  bool per_value = false;
  double log2n_plus_1 = 0;                 // Sturges only
  std::vector<double> edges;               // Sturges only
  std::vector<double> numeric_keys;        // per-value numerical
  std::vector<std::string> string_keys;    // per-value categorical
  Counts ref_counts;
  Counts cur_counts;
};

// DriftAnalysis carries every statistic computed for a column, with the intermediate values a
// conformance test needs. Statistics that do not apply to the column are nullopt.
struct DriftAnalysis {
  ColumnType type = ColumnType::kNumerical;
  int64_t n_ref_raw = 0, n_cur_raw = 0, n_ref = 0, n_cur = 0;
  int64_t n_unique_ref = 0, n_unique_combined = 0;

  std::optional<KsResult> ks;                // numerical
  double ks_raw_statistic = 0;  // D before the exact path snaps it to h / lcm
  double ks_pvalue_asymp = 0, ks_pvalue_kstwobign = 0, ks_en = 0;
  std::optional<double> wasserstein;         // numerical
  double ref_std = 0;
  std::optional<double> wasserstein_normed;  // numerical

  Binning binning;
  std::vector<double> ref_percents_filled, cur_percents_filled;
  double ref_fill_value = 0, cur_fill_value = 0;
  double psi = 0, kl_divergence = 0, jensenshannon = 0, jensenshannon_base2 = 0;
  ChiSquareResult chi2_contingency;
  std::optional<ChiSquareResult> chisquare;  // Evidently chisquare: per-value binning only
  std::vector<double> chisquare_f_exp;
  std::optional<ZTestResult> ztest;          // <= 2 unique values in ref u cur
  std::string ztest_key0;                    // the value mapped to 0 (rendered)
  std::optional<DecilePsiResult> decile_psi;  // numerical; categorical uses fixed_eps_psi
  double fixed_eps_psi = 0;
  std::optional<MannWhitneyResult> mann_whitney;         // numerical, with rank_tests
  std::optional<AndersonResult> anderson;                // numerical, with rank_tests
  std::optional<CramerVonMisesResult> cramer_von_mises;  // numerical, with rank_tests

  DriftTest test = DriftTest::kKs;
  double score = 0;
  double threshold = 0;
  bool drift = false;
};

// DriftOptions selects optional statistics that the default report does not need.
struct DriftOptions {
  bool decile_psi = false;  // reference-decile PSI with a fixed epsilon
  bool rank_tests = false;  // Mann-Whitney, Anderson-Darling, Cramer-von Mises
};

// AnalyzeColumn computes the drift statistics of one column. Consumes the samples (sorts them).
// Errors: InvalidArgument when either side has no non-missing values.
Result<DriftAnalysis> AnalyzeColumn(ColumnType type, ColumnSample reference, ColumnSample current,
                                    const DriftOptions& options = {});

// DatasetDrift is the dataset verdict: drift when share of drifted columns >= drift_share.
struct DatasetDrift {
  int64_t number_of_columns = 0;
  int64_t drifted_columns = 0;
  double share = 0;
  bool drift = false;
};
DatasetDrift DecideDatasetDrift(const std::vector<bool>& column_drift, double drift_share = 0.5);

}  // namespace vakt::diagnose
