#pragma once

#include <optional>
#include <span>

// Two-sample Kolmogorov-Smirnov test as scipy.stats.ks_2samp (scipy 1.10, two-sided).
// Pure functions; thread-safe.
namespace vakt::diagnose {

enum class KsMethod { kAuto, kExact, kAsymp };

// KsResult is the outcome of one two-sample KS test.
struct KsResult {
  double statistic = 0;  // D; in exact mode snapped to h / lcm(n1, n2) as scipy does
  double location = 0;   // the pooled value where D is attained (scipy statistic_location)
  int sign = 1;          // +1 when F_ref - F_cur attains D, -1 when F_cur - F_ref does
  double pvalue = 1;
  KsMethod method_used = KsMethod::kExact;  // kExact or kAsymp after the auto/fallback choice
};

// KsTwoSample tests sorted samples `reference` and `current` (both non-empty, NaN-free,
// ascending). kAuto means exact when max(n1, n2) <= 10000, else asymp; exact falls back to
// asymp when the lattice-path computation overflows, like scipy.
KsResult KsTwoSample(std::span<const double> reference, std::span<const double> current,
                     KsMethod method = KsMethod::kAuto);

// KsTwoSampleUnsorted is KsTwoSample on unsorted samples (both non-empty, NaN-free), with the
// same result bit for bit, as scipy.stats.ks_2samp takes them. It does not sort: one pass counts
// both samples into value-range buckets, the CDF difference at each bucket's end bounds every
// difference inside the bucket, and only the few buckets that could hold the maximum or the
// minimum are gathered and sorted. Falls back to sorting copies when the data defeats the
// buckets (a constant or infinite range, or most values in the candidate buckets).
KsResult KsTwoSampleUnsorted(std::span<const double> reference, std::span<const double> current,
                             KsMethod method = KsMethod::kAuto);

// KsExactPvalue is scipy's _attempt_exact_2kssamp (two-sided): P(D >= d) under H0 for sample
// sizes n1, n2; nullopt when the computation is not representable (scipy then switches to
// asymp). `snapped_d` receives h / lcm.
std::optional<double> KsExactPvalue(long n1, long n2, double d, double* snapped_d);

// KsAsympPvalue is scipy's asymp branch: kstwo.sf(d, round(n1 n2 / (n1 + n2))).
double KsAsympPvalue(long n1, long n2, double d);

// KsEffectiveN is en = m n / (m + n) with m >= n, computed as scipy does.
double KsEffectiveN(long n1, long n2);

}  // namespace vakt::diagnose
