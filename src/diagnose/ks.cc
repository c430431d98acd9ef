#include "diagnose/ks.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "diagnose/special_functions.h"

namespace vakt::diagnose {
namespace {

constexpr long kMaxAutoN = 10000;

// Pr(D_{n,n} >= h/n) with the Horner-like alternating sum scipy uses for equal sizes.
double ProbOutsideSquare(long n, long h) {
  double p = 0.0;
  long k = n / h;
  while (k >= 0) {
    double p1 = 1.0;
    for (long j = 0; j < h; ++j) {
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    }
    p = p1 * (1.0 - p);
    --k;
  }
  return 2 * p;
}

// Proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm,
// computed directly as 1 - p (Hodges' inside method with Viehmann's 2021 recursion for 1 - p),
// which keeps tiny p-values accurate.
double OuterProbInsideMethod(long m, long n, long g, long h) {
  if (m < n) std::swap(m, n);
  const long mg = m / g;
  const long ng = n / g;
  long minj = 0;
  long maxj = std::min(static_cast<long>(std::ceil(static_cast<double>(h) / mg)), n + 1);
  long curlen = maxj - minj;
  const long len_a = std::min(2 * maxj + 2, n + 1);
  std::vector<double> a(static_cast<size_t>(len_a), 1.0);
  std::fill(a.begin() + minj, a.begin() + maxj, 0.0);
  for (long i = 1; i <= m; ++i) {
    const long lastminj = minj;
    const long lastlen = curlen;
    minj = std::max(static_cast<long>(std::floor(static_cast<double>(ng * i - h) / mg)) + 1, 0L);
    minj = std::min(minj, n);
    maxj = std::min(static_cast<long>(std::ceil(static_cast<double>(ng * i + h) / mg)), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    for (long jj = 0; jj < maxj - minj; ++jj) {
      const long j = jj + minj;
      val = (a[static_cast<size_t>(jj + minj - lastminj)] * static_cast<double>(i) +
             val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      a[static_cast<size_t>(jj)] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      std::fill(a.begin() + (maxj - minj), a.begin() + (maxj - minj) + (lastlen - curlen), 1.0);
    }
  }
  return a[static_cast<size_t>(maxj - minj - 1)];
}

}  // namespace

double KsEffectiveN(long n1, long n2) {
  double m = static_cast<double>(std::max(n1, n2));
  double n = static_cast<double>(std::min(n1, n2));
  return m * n / (m + n);
}

double KsAsympPvalue(long n1, long n2, double d) {
  // np.round rounds half to even, as does nearbyint in the default rounding mode.
  const double en = std::nearbyint(KsEffectiveN(n1, n2));
  return std::clamp(KolmogorovNSf(static_cast<long>(en), d), 0.0, 1.0);
}

std::optional<double> KsExactPvalue(long n1, long n2, double d, double* snapped_d) {
  const long g = std::gcd(n1, n2);
  const long n1g = n1 / g;
  const long n2g = n2 / g;
  if (static_cast<double>(n1g) >=
      static_cast<double>(std::numeric_limits<int32_t>::max()) / static_cast<double>(n2g)) {
    *snapped_d = d;
    return std::nullopt;
  }
  const long lcm = n1g * n2;
  const long h = static_cast<long>(std::nearbyint(d * static_cast<double>(lcm)));
  *snapped_d = static_cast<double>(h) * 1.0 / static_cast<double>(lcm);
  if (h == 0) return 1.0;
  const double prob = n1 == n2 ? ProbOutsideSquare(n1, h) : OuterProbInsideMethod(n1, n2, g, h);
  if (!std::isfinite(prob) || prob < 0 || prob > 1) return std::nullopt;
  return prob;
}

KsResult KsTwoSample(std::span<const double> reference, std::span<const double> current,
                     KsMethod method) {
  const size_t n1 = reference.size();
  const size_t n2 = current.size();
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
  // Evaluate F_ref - F_cur at every pooled value in numpy's order (reference block first, then
  // current), keeping the first argmax/argmin like np.argmax does.
  double max_diff = -std::numeric_limits<double>::infinity();
  double min_diff = std::numeric_limits<double>::infinity();
  double max_loc = 0;
  double min_loc = 0;
  auto scan = [&](std::span<const double> block) {
    size_t i1 = 0;
    size_t i2 = 0;
    for (double x : block) {
      while (i1 < n1 && reference[i1] <= x) ++i1;
      while (i2 < n2 && current[i2] <= x) ++i2;
      const double diff = static_cast<double>(i1) / dn1 - static_cast<double>(i2) / dn2;
      if (diff > max_diff) {
        max_diff = diff;
        max_loc = x;
      }
      if (diff < min_diff) {
        min_diff = diff;
        min_loc = x;
      }
    }
  };
  scan(reference);
  scan(current);
  const double min_s = std::clamp(-min_diff, 0.0, 1.0);
  KsResult result;
  if (min_s > max_diff) {
    result.statistic = min_s;
    result.location = min_loc;
    result.sign = -1;
  } else {
    result.statistic = max_diff;
    result.location = max_loc;
    result.sign = 1;
  }
  const long ln1 = static_cast<long>(n1);
  const long ln2 = static_cast<long>(n2);
  if (method == KsMethod::kAuto) {
    method = std::max(ln1, ln2) <= kMaxAutoN ? KsMethod::kExact : KsMethod::kAsymp;
  }
  if (method == KsMethod::kExact) {
    double snapped = result.statistic;
    std::optional<double> p = KsExactPvalue(ln1, ln2, result.statistic, &snapped);
    result.statistic = snapped;
    if (p.has_value()) {
      result.pvalue = std::clamp(*p, 0.0, 1.0);
      result.method_used = KsMethod::kExact;
      return result;
    }
  }
  result.pvalue = KsAsympPvalue(ln1, ln2, result.statistic);
  result.method_used = KsMethod::kAsymp;
  return result;
}

}  // namespace vakt::diagnose
