#pragma once

#include <cstdint>
#include <span>

#include "diagnose/ks.h"

// One merge walk over two sorted samples that yields every order statistic the default drift
// report needs, so each column is sorted once and walked once (issue 6 performance target).
// Pure; thread-safe.
namespace vakt::diagnose {

// MergeScan is what the walk found.
struct MergeScan {
  // scipy ks_2samp's D, its sign and location, with the asymp p-value (the caller upgrades to
  // the exact p-value for small samples, as KsTwoSample's kAuto does).
  KsResult ks;
  double wasserstein = 0;  // scipy.stats.wasserstein_distance, bit for bit
  int64_t n_unique_reference = 0;
  int64_t n_unique_combined = 0;
};

// ScanSorted walks `reference` and `current` (non-empty, NaN-free, ascending) once.
// KS agrees exactly with KsTwoSample(..., kAsymp), W1 with scipy. `ks_pvalue` = false leaves
// ks.pvalue at 1 (for callers that only want the distances).
MergeScan ScanSorted(std::span<const double> reference, std::span<const double> current,
                     bool ks_pvalue = true);

}  // namespace vakt::diagnose
