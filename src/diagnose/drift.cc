#include "diagnose/drift.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <utility>

#include "diagnose/merge_scan.h"
#include "diagnose/sort.h"
#include "diagnose/special_functions.h"

namespace vakt::diagnose {
namespace {

// Evidently thresholds for its default tests.
constexpr double kPvalueThreshold = 0.05;
constexpr double kDistanceThreshold = 0.1;
// Evidently bins per unique value when the reference has at most this many unique values.
constexpr int64_t kMaxUniqueForPerValueBins = 20;
constexpr int64_t kSmallReference = 1000;
constexpr int64_t kKsMaxAutoN = 10000;  // scipy ks_2samp: exact p-value up to this size

// Per-value bins for sorted numbers: keys = unique values of ref u cur.
void BinPerValueNumeric(const std::vector<double>& ref, const std::vector<double>& cur,
                        Binning* binning) {
  binning->per_value = true;
  std::vector<double> keys(ref.size() + cur.size());
  std::merge(ref.begin(), ref.end(), cur.begin(), cur.end(), keys.begin());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto count = [&keys](const std::vector<double>& sorted) {
    Counts counts(keys.size(), 0);
    size_t k = 0;
    for (double x : sorted) {
      while (keys[k] != x) ++k;
      ++counts[k];
    }
    return counts;
  };
  binning->ref_counts = count(ref);
  binning->cur_counts = count(cur);
  binning->numeric_keys = std::move(keys);
}

void BinPerValueStrings(const std::vector<std::string>& ref, const std::vector<std::string>& cur,
                        Binning* binning, int64_t* n_unique_ref) {
  binning->per_value = true;
  std::map<std::string, std::pair<int64_t, int64_t>, std::less<>> counts;
  for (const std::string& s : ref) ++counts[s].first;
  for (const std::string& s : cur) ++counts[s].second;
  *n_unique_ref = 0;
  for (auto& [key, pair] : counts) {
    binning->string_keys.push_back(key);
    binning->ref_counts.push_back(pair.first);
    binning->cur_counts.push_back(pair.second);
    if (pair.first > 0) ++*n_unique_ref;
  }
}

void ChooseDefaultTest(DriftAnalysis* a) {
  const bool numerical = a->type == ColumnType::kNumerical;
  const int64_t n_u = a->n_unique_combined;
  if (a->n_ref <= kSmallReference) {
    if (numerical && n_u > 5) {
      a->test = DriftTest::kKs;
      a->threshold = kPvalueThreshold;
      a->score = a->ks->pvalue;
      a->drift = a->score <= a->threshold;
    } else if (n_u > 2) {
      a->test = DriftTest::kChiSquare;
      a->threshold = kPvalueThreshold;
      a->score = a->chisquare->pvalue;
      a->drift = a->score < a->threshold;
    } else {
      a->test = DriftTest::kZ;
      a->threshold = kPvalueThreshold;
      a->score = a->ztest->pvalue;
      a->drift = a->score < a->threshold;
    }
    return;
  }
  if (numerical && n_u > 5) {
    a->test = DriftTest::kWasserstein;
    a->score = *a->wasserstein_normed;
  } else {
    a->test = DriftTest::kJensenShannon;
    a->score = a->jensenshannon;
  }
  a->threshold = kDistanceThreshold;
  a->drift = a->score >= a->threshold;
}

std::string FormatKey(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

}  // namespace

const char* ColumnTypeName(ColumnType type) {
  return type == ColumnType::kNumerical ? "numerical" : "categorical";
}

const char* DriftTestName(DriftTest test) {
  switch (test) {
    case DriftTest::kKs:
      return "ks";
    case DriftTest::kChiSquare:
      return "chisquare";
    case DriftTest::kZ:
      return "z";
    case DriftTest::kWasserstein:
      return "wasserstein";
    case DriftTest::kJensenShannon:
      return "jensenshannon";
    case DriftTest::kPsi:
      return "psi";
  }
  return "unknown";
}

Result<DriftAnalysis> AnalyzeColumn(ColumnType type, ColumnSample reference, ColumnSample current,
                                    const DriftOptions& options) {
  DriftAnalysis a;
  a.type = type;
  a.n_ref_raw = reference.raw_count;
  a.n_cur_raw = current.raw_count;
  const bool numerical = type == ColumnType::kNumerical;
  a.n_ref = static_cast<int64_t>(numerical ? reference.numbers.size() : reference.strings.size());
  a.n_cur = static_cast<int64_t>(numerical ? current.numbers.size() : current.strings.size());
  if (a.n_ref == 0) return Status::InvalidArgument("reference has no non-missing values");
  if (a.n_cur == 0) return Status::InvalidArgument("current has no non-missing values");

  if (numerical) {
    std::vector<double>& ref = reference.numbers;
    std::vector<double>& cur = current.numbers;
    // np.std runs on the unsorted reference; its pairwise sum depends on the order.
    a.ref_std = PopulationStd(ref);
    SortDoubles(ref);
    SortDoubles(cur);
    // One merge walk gives the raw D with scipy's asymp p-value, W1 and the unique counts; the
    // per-statistic functions (KsTwoSample, WassersteinDistance) each walk the data again.
    const MergeScan scan = ScanSorted(ref, cur);
    a.n_unique_ref = scan.n_unique_reference;
    a.n_unique_combined = scan.n_unique_combined;

    // 'auto' upgrades to the exact p-value for samples of at most 10000 (the exact path snaps
    // D to h / lcm).
    const KsResult& asymp = scan.ks;
    a.ks_en = KsEffectiveN(a.n_ref, a.n_cur);
    a.ks_pvalue_asymp = asymp.pvalue;
    a.ks_raw_statistic = asymp.statistic;
    a.ks = asymp;
    if (std::max(a.n_ref, a.n_cur) <= kKsMaxAutoN) {
      double snapped = asymp.statistic;
      if (std::optional<double> exact =
              KsExactPvalue(a.n_ref, a.n_cur, asymp.statistic, &snapped)) {
        a.ks->statistic = snapped;
        a.ks->pvalue = *exact;
        a.ks->method_used = KsMethod::kExact;
      } else {
        a.ks->statistic = snapped;
        a.ks->pvalue = KsAsympPvalue(a.n_ref, a.n_cur, snapped);
      }
    }
    a.ks_pvalue_kstwobign = KolmogorovSf(std::sqrt(a.ks_en) * a.ks->statistic);
    a.wasserstein = scan.wasserstein;
    a.wasserstein_normed = WassersteinNormed(*a.wasserstein, a.ref_std);

    if (a.n_unique_ref > kMaxUniqueForPerValueBins) {
      SturgesBinning sturges = BinSturges(ref, cur);
      a.binning.per_value = false;
      a.binning.log2n_plus_1 = sturges.log2n_plus_1;
      a.binning.edges = std::move(sturges.edges);
      a.binning.ref_counts = std::move(sturges.ref_counts);
      a.binning.cur_counts = std::move(sturges.cur_counts);
    } else {
      BinPerValueNumeric(ref, cur, &a.binning);
    }
    if (options.decile_psi) a.decile_psi = DecilePsi(ref, cur);
    if (options.rank_tests) {
      a.mann_whitney = MannWhitney(ref, cur);
      if (std::optional<AndersonResult> ad = AndersonKSample(ref, cur)) a.anderson = std::move(ad);
      a.cramer_von_mises = CramerVonMises(ref, cur);
    }
  } else {
    BinPerValueStrings(reference.strings, current.strings, &a.binning, &a.n_unique_ref);
    a.n_unique_combined = static_cast<int64_t>(a.binning.string_keys.size());
    a.fixed_eps_psi = FixedEpsilonPsi(a.binning.ref_counts, a.binning.cur_counts);
  }

  const std::vector<double> ref_percents = Proportions(a.binning.ref_counts, a.n_ref);
  const std::vector<double> cur_percents = Proportions(a.binning.cur_counts, a.n_cur);
  a.ref_percents_filled = ref_percents;
  a.cur_percents_filled = cur_percents;
  a.ref_fill_value = FillZeroProportions(a.ref_percents_filled);
  a.cur_fill_value = FillZeroProportions(a.cur_percents_filled);
  a.psi = Psi(a.ref_percents_filled, a.cur_percents_filled);
  a.kl_divergence = Entropy(a.ref_percents_filled, a.cur_percents_filled);
  a.jensenshannon = JensenShannon(ref_percents, cur_percents);
  a.jensenshannon_base2 = JensenShannon(ref_percents, cur_percents, 2.0);
  a.chi2_contingency = ChiSquareContingency(a.binning.ref_counts, a.binning.cur_counts);
  if (a.binning.per_value) {
    a.chisquare =
        EvidentlyChiSquare(a.binning.ref_counts, a.binning.cur_counts, &a.chisquare_f_exp);
  }
  if (a.n_unique_combined <= 2) {
    // key0 is the smallest value; the z-test counts values that are not key0.
    const size_t keys = static_cast<size_t>(a.n_unique_combined);
    const bool both_constant_equal = keys == 1;
    const int64_t ref_not_key0 = a.n_ref - a.binning.ref_counts[0];
    const int64_t cur_not_key0 = a.n_cur - a.binning.cur_counts[0];
    a.ztest = EvidentlyZTest(ref_not_key0, a.n_ref, cur_not_key0, a.n_cur, both_constant_equal);
    a.ztest_key0 = numerical ? FormatKey(a.binning.numeric_keys[0]) : a.binning.string_keys[0];
  }
  ChooseDefaultTest(&a);
  return a;
}

DatasetDrift DecideDatasetDrift(const std::vector<bool>& column_drift, double drift_share) {
  DatasetDrift out;
  out.number_of_columns = static_cast<int64_t>(column_drift.size());
  for (bool d : column_drift) out.drifted_columns += d ? 1 : 0;
  out.share = out.number_of_columns == 0 ? 0.0
                                         : static_cast<double>(out.drifted_columns) /
                                               static_cast<double>(out.number_of_columns);
  out.drift = out.number_of_columns > 0 && out.share >= drift_share;
  return out;
}

}  // namespace vakt::diagnose
