#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

// Distribution-distance statistics for drift, reproducing scipy 1.10 / numpy 1.24 and Evidently
// 0.7 (legacy stattests) definitions exactly. Inputs are NaN-free; sorted where stated.
// Pure functions; thread-safe.
namespace vakt::diagnose {

using Counts = std::vector<int64_t>;

// WassersteinDistance is scipy.stats.wasserstein_distance (p = 1) on sorted samples.
double WassersteinDistance(std::span<const double> sorted_u, std::span<const double> sorted_v);

// PopulationStd is np.std(values) (ddof = 0), summing in numpy's pairwise order.
double PopulationStd(std::span<const double> values);

// WassersteinNormed is Evidently's normed distance: W1 / max(std_ref, 0.001).
double WassersteinNormed(double wasserstein, double reference_std);

// SturgesBinning is numpy's histogram_bin_edges(concat(ref, cur), 'sturges') followed by
// np.histogram of each side, as Evidently's get_binned_data does for numerical columns whose
// reference has more than 20 unique values.
struct SturgesBinning {
  double log2n_plus_1 = 0;
  std::vector<double> edges;  // n_bins + 1 edges; the last bin is closed
  Counts ref_counts;
  Counts cur_counts;
};
SturgesBinning BinSturges(std::span<const double> sorted_ref, std::span<const double> sorted_cur);

// BinSturgesUnsorted is BinSturges on unsorted, non-empty samples (equal result, no sort): what
// PSI, Jensen-Shannon or KL alone need, as np.histogram does not sort either.
SturgesBinning BinSturgesUnsorted(std::span<const double> ref, std::span<const double> cur);

// Proportions is counts / n.
std::vector<double> Proportions(const Counts& counts, int64_t n);

// FillZeroProportions replaces zeros per Evidently: by min(non-zero)/1e6 when that minimum is
// <= 1e-4, else by 1e-4. Returns the fill value used.
double FillZeroProportions(std::vector<double>& proportions);

// Psi is sum (p_ref - p_cur) ln(p_ref / p_cur) over already-filled proportions.
double Psi(std::span<const double> ref_filled, std::span<const double> cur_filled);

// Entropy is scipy.stats.entropy(pk, qk) (KL divergence, natural log; both renormalised).
double Entropy(std::span<const double> pk, std::span<const double> qk);

// JensenShannon is scipy.spatial.distance.jensenshannon(p, q, base); base <= 0 means natural log.
double JensenShannon(std::span<const double> p, std::span<const double> q, double base = 0);

// ChiSquareResult is a chi-square statistic with its p-value and degrees of freedom.
struct ChiSquareResult {
  double statistic = 0;
  double pvalue = 1;
  int64_t dof = 0;
  bool yates = false;           // chi2_contingency only
  int64_t n_columns = 0;        // chi2_contingency only: columns kept
  bool divide_by_zero = false;  // some expected frequency was 0 (numpy warns)
};

// EvidentlyChiSquare is Evidently's chisquare test: scipy.stats.chisquare(f_obs = cur counts,
// f_exp = ref counts * n_cur / n_ref) over per-value bins.
ChiSquareResult EvidentlyChiSquare(const Counts& ref_counts, const Counts& cur_counts,
                                   std::vector<double>* f_exp_out = nullptr);

// ChiSquareContingency is scipy.stats.chi2_contingency([ref, cur]) with Yates' correction when
// dof == 1, after dropping bins empty on both sides.
ChiSquareResult ChiSquareContingency(const Counts& ref_counts, const Counts& cur_counts);

// ZTestResult is Evidently's pooled two-proportion z-test.
struct ZTestResult {
  double pvalue = 1;       // 2 (1 - Phi(|z|)), as Evidently computes it
  double pvalue_erfc = 1;  // erfc(|z| / sqrt 2): the accurate tail
  double z = 0;
  double p_ref = 0;
  double p_cur = 0;
  double pooled = 0;
  bool both_constant_equal = false;
};

// EvidentlyZTest takes, for each sample, how many values differ from key0 (the smallest value of
// ref u cur) and the sample size.
ZTestResult EvidentlyZTest(int64_t ref_not_key0, int64_t n_ref, int64_t cur_not_key0, int64_t n_cur,
                           bool both_constant_equal);

// NumpyQuantileLinear is np.quantile(sorted, q) with the default 'linear' method.
double NumpyQuantileLinear(std::span<const double> sorted, double q);

// DecilePsi is the industry PSI on reference deciles: interior edges = unique inner deciles,
// zeros -> epsilon, PSI = sum (p_cur - p_ref) ln(p_cur / p_ref).
struct DecilePsiResult {
  double value = 0;
  std::vector<double> interior_edges;
  Counts ref_counts;
  Counts cur_counts;
};
DecilePsiResult DecilePsi(std::span<const double> sorted_ref, std::span<const double> sorted_cur,
                          double epsilon = 1e-4);

// FixedEpsilonPsi is the same PSI formula over given per-category counts.
double FixedEpsilonPsi(const Counts& ref_counts, const Counts& cur_counts, double epsilon = 1e-4);

}  // namespace vakt::diagnose
