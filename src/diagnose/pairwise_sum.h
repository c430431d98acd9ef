#pragma once

#include <cstddef>

// PairwiseSumOf adds `n` terms produced one at a time by `next()` in exactly numpy's pairwise
// order (np.sum: 128-element leaves with 8 lanes, halves split at multiples of 8), without
// materialising them. numpy's recursion consumes the terms strictly left to right, so a
// sequential generator reproduces its rounding bit for bit; that lets a merge walk feed
// scipy's Wasserstein sum or np.std's squares straight from the data. Pure; `next` is called
// exactly n times, in order.
namespace vakt::diagnose {

template <class Next>
double PairwiseSumOf(size_t n, Next& next) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += next();
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (double& lane : r) lane = next();
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (double& lane : r) lane += next();
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += next();
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  // Two statements: the left half must consume its terms before the right half.
  const double left = PairwiseSumOf(n2, next);
  const double right = PairwiseSumOf(n - n2, next);
  return left + right;
}

}  // namespace vakt::diagnose
