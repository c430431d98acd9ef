#pragma once

#include <cstddef>
#include <span>

// Special functions behind the drift p-values. Each one reproduces the algorithm scipy 1.10 uses
// for the same quantity (not merely the same mathematical function) so that p-values agree with
// scipy to ~1e-12 relative, including in the tails where different algorithms diverge.
// All functions are pure and thread-safe.
namespace vakt::diagnose {

// NormalCdf is scipy.special.ndtr: Phi(x), via erf near 0 and erfc in the tails.
double NormalCdf(double x);

// ChiSquareSf is scipy.stats.chi2.sf(x, dof) = Q(dof/2, x/2), the regularised upper incomplete
// gamma function. Returns 1 for x <= 0 and 0 for x = +inf.
double ChiSquareSf(double x, double dof);

// RegularizedGammaQ is Q(a, x) = Gamma(a, x) / Gamma(a), for a > 0, x >= 0.
double RegularizedGammaQ(double a, double x);

// KolmogorovSf is scipy.special.kolmogorov (= scipy.stats.kstwobign.sf): the limiting
// distribution 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2).
double KolmogorovSf(double x);

// SmirnovSf is scipy.special.smirnov(n, d): P(D+_n >= d) for the one-sided one-sample statistic,
// by the Birnbaum-Tingey sum around its peak term: in long double for n < 2000; for larger n the
// peak stays in long double and the other terms' ratios to it use double log/exp (within ~5e-12
// relative at n = 1e5). 0 once Massart's bound exp(-2 n d^2) is below e^-800.
double SmirnovSf(long n, double d);

// KolmogorovNSf is scipy.stats.kstwo.sf(d, n): the exact distribution of the two-sided
// one-sample statistic D_n, using the same regime split as scipy (Ruben-Gambino, Durbin matrix,
// Pomeranz, Pelz-Good, 2 x Smirnov; Simard & L'Ecuyer 2011).
double KolmogorovNSf(long n, double d);

// PairwiseSum adds values in numpy's order (np.sum: pairwise blocks of 8 lanes, 128-element
// leaves) so that long sums round like numpy's.
double PairwiseSum(std::span<const double> values);

}  // namespace vakt::diagnose
