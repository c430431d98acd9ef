#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

// Rank-based two-sample tests as scipy 1.10 computes them: Mann-Whitney U, k-sample
// Anderson-Darling (midrank, k = 2) and two-sample Cramer-von Mises. Inputs are sorted and
// NaN-free. Pure functions; thread-safe.
namespace vakt::diagnose {

// MannWhitneyResult is scipy.stats.mannwhitneyu(ref, cur) for several methods/alternatives.
struct MannWhitneyResult {
  double u1 = 0;                    // U of the reference sample
  bool has_ties = false;
  bool auto_exact = false;          // 'auto' chose the exact distribution
  double pvalue_asymptotic = 1;     // two-sided, continuity and tie corrected
  std::optional<double> pvalue_exact;  // two-sided; only when computed (no ties, small n)
  double pvalue_auto = 1;
  double pvalue_less_auto = 1;      // alternative='less', method auto (Evidently's mannw)
};
// MannWhitney computes the exact distribution when 'auto' needs it or when there are no ties
// and max(n1, n2) <= exact_max_n.
MannWhitneyResult MannWhitney(std::span<const double> sorted_ref, std::span<const double> sorted_cur,
                              long exact_max_n = 30);

// AndersonResult is scipy.stats.anderson_ksamp([ref, cur]) (midrank).
struct AndersonResult {
  double statistic = 0;
  std::vector<double> critical_values;
  double significance_level = 0;  // capped/floored to [0.001, 0.25] as scipy 1.10 does
  std::vector<std::string> warnings;
};
// Returns nullopt when ref u cur has fewer than two distinct values (scipy raises).
std::optional<AndersonResult> AndersonKSample(std::span<const double> sorted_ref,
                                              std::span<const double> sorted_cur);

// CramerVonMisesResult is scipy.stats.cramervonmises_2samp(ref, cur).
struct CramerVonMisesResult {
  double statistic = 0;
  double pvalue_asymptotic = 1;
  std::optional<double> pvalue_exact;  // when max(n1, n2) <= 20 ('auto' uses it then)
  bool auto_exact = false;
};
CramerVonMisesResult CramerVonMises(std::span<const double> sorted_ref,
                                    std::span<const double> sorted_cur);

// BesselK is the modified Bessel function of the second kind K_nu(x), x > 0, by trapezoidal
// integration of exp(-x cosh t) cosh(nu t) (exponentially convergent).
double BesselK(double nu, double x);

}  // namespace vakt::diagnose
