#include "diagnose/ks.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "diagnose/sort.h"
#include "diagnose/special_functions.h"
#include "diagnose/value_range.h"

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

namespace {

// SignedStatistic picks ks_2samp's D from the largest positive and negative CDF differences:
// the negative side wins only when strictly larger, as scipy compares them.
KsResult SignedStatistic(double max_diff, double max_loc, double min_diff, double min_loc) {
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
  return result;
}

// SortedStatistic is D with its sign and location for sorted samples: F_ref - F_cur evaluated at
// every pooled value in numpy's order (reference block first, then current), keeping the first
// argmax/argmin like np.argmax does. The straightforward oracle for the unsorted path.
KsResult SortedStatistic(std::span<const double> reference, std::span<const double> current) {
  const size_t n1 = reference.size();
  const size_t n2 = current.size();
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
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
  return SignedStatistic(max_diff, max_loc, min_diff, min_loc);
}

// WithPvalue adds the p-value for `method` to a statistic, as ks_2samp does after computing D.
KsResult WithPvalue(KsResult result, long n1, long n2, KsMethod method) {
  if (method == KsMethod::kAuto) {
    method = std::max(n1, n2) <= kMaxAutoN ? KsMethod::kExact : KsMethod::kAsymp;
  }
  if (method == KsMethod::kExact) {
    double snapped = result.statistic;
    std::optional<double> p = KsExactPvalue(n1, n2, result.statistic, &snapped);
    result.statistic = snapped;
    if (p.has_value()) {
      result.pvalue = std::clamp(*p, 0.0, 1.0);
      result.method_used = KsMethod::kExact;
      return result;
    }
  }
  result.pvalue = KsAsympPvalue(n1, n2, result.statistic);
  result.method_used = KsMethod::kAsymp;
  return result;
}

// RunExtremes tracks, over runs of equal pooled values visited in ascending order, what
// ks_2samp's two-block argmax/argmin keeps. The difference rises only at reference values, so
// every run attaining the maximum holds a reference value and the first one is np.argmax's hit
// in the reference block. It falls only at current values: the minimum is reported at the first
// run holding a reference value when one attains it (the reference block is searched first and
// the current block wins only when strictly lower), else at the first run attaining it.
class RunExtremes {
 public:
  void EndRun(double x, double diff, bool has_reference) {
    if (diff > max_) max_ = diff, max_at_ = x;
    if (diff < min_) min_ = diff, min_at_ = x;
    if (has_reference && diff < ref_min_) ref_min_ = diff, ref_min_at_ = x;
  }

  KsResult Statistic() const {
    const double min_at = ref_min_ == min_ ? ref_min_at_ : min_at_;
    return SignedStatistic(max_, max_at_, min_, min_at);
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  double max_ = -kInf, min_ = kInf, ref_min_ = kInf;
  double max_at_ = 0, min_at_ = 0, ref_min_at_ = 0;
};

// Below this many pooled values sorting copies is as cheap as the bucket passes.
constexpr size_t kMinBucketed = 4096;
// About this many pooled values per bucket: 25 000 buckets for 2 x 200k values, whose count and
// slot arrays (300 KB) stay in L2 while the values stream through. Fewer values per bucket
// tighten the bounds, so fewer values are gathered: with 64 per bucket, two samples of 20k
// from one distribution gathered more than a quarter of the values and fell back to sorting;
// with 16 the benchmark columns gather a median of ~1 800 of 400 000 values instead of ~10 000.
constexpr size_t kValuesPerBucket = 16;
constexpr size_t kMaxBuckets = size_t{1} << 16;

KsResult SortingStatistic(std::span<const double> reference, std::span<const double> current) {
  std::vector<double> ref(reference.begin(), reference.end());
  std::vector<double> cur(current.begin(), current.end());
  SortDoubles(ref);
  SortDoubles(cur);
  return SortedStatistic(ref, cur);
}

// BucketedStatistic is SortedStatistic without sorting (see KsTwoSampleUnsorted); nullopt when
// the buckets do not narrow the search enough and sorting is the cheaper way.
std::optional<KsResult> BucketedStatistic(std::span<const double> reference,
                                          std::span<const double> current) {
  const size_t n1 = reference.size();
  const size_t n2 = current.size();
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
  const ValueRange range = PooledRange(reference, current);
  const double min_value = range.min;
  const double width = range.max - min_value;
  const size_t buckets = std::clamp<size_t>((n1 + n2) / kValuesPerBucket, 2, kMaxBuckets);
  const double scale = static_cast<double>(buckets) / width;
  if (!(width > 0) || !std::isfinite(width) || !std::isfinite(scale)) return std::nullopt;
  // Monotone in x (each rounding step is), and equal values share a bucket; so a bucket holds a
  // contiguous stretch of the pooled sorted order, and whole runs of equal values.
  auto bucket_of = [min_value, scale, last = buckets - 1](double x) {
    return std::min(static_cast<size_t>((x - min_value) * scale), last);
  };
  std::vector<uint32_t> ref_counts(buckets, 0);
  std::vector<uint32_t> cur_counts(buckets, 0);
  for (double x : reference) ++ref_counts[bucket_of(x)];
  for (double x : current) ++cur_counts[bucket_of(x)];

  // The difference at a bucket's last run is attained, so it bounds the extremes from inside;
  // a run inside bucket b has i1 <= (ref values up to b's end) and i2 >= (current values before
  // b), so (end_1 / n1 - start_2 / n2) bounds its difference from above (division and
  // subtraction round monotonically, so the bound holds for the rounded differences too), and
  // symmetrically from below. Buckets whose bound cannot reach the attained extreme are skipped;
  // >= keeps ties, which decide the first location.
  double attained_max = -std::numeric_limits<double>::infinity();
  double attained_min = std::numeric_limits<double>::infinity();
  {
    size_t i1 = 0;
    size_t i2 = 0;
    for (size_t b = 0; b < buckets; ++b) {
      if (ref_counts[b] + cur_counts[b] == 0) continue;
      i1 += ref_counts[b];
      i2 += cur_counts[b];
      const double diff = static_cast<double>(i1) / dn1 - static_cast<double>(i2) / dn2;
      attained_max = std::max(attained_max, diff);
      attained_min = std::min(attained_min, diff);
    }
  }
  struct Candidate {
    size_t bucket;
    size_t ref_before, cur_before;  // values in earlier buckets
    size_t ref_begin, cur_begin;    // where its values go in the gather buffers
  };
  std::vector<Candidate> candidates;
  std::vector<int32_t> slot(buckets, -1);
  size_t ref_gathered = 0;
  size_t cur_gathered = 0;
  {
    size_t i1 = 0;
    size_t i2 = 0;
    for (size_t b = 0; b < buckets; ++b) {
      const size_t c1 = ref_counts[b];
      const size_t c2 = cur_counts[b];
      if (c1 + c2 == 0) continue;
      const double upper = static_cast<double>(i1 + c1) / dn1 - static_cast<double>(i2) / dn2;
      const double lower = static_cast<double>(i1) / dn1 - static_cast<double>(i2 + c2) / dn2;
      if (upper >= attained_max || lower <= attained_min) {
        slot[b] = static_cast<int32_t>(candidates.size());
        candidates.push_back({b, i1, i2, ref_gathered, cur_gathered});
        ref_gathered += c1;
        cur_gathered += c2;
      }
      i1 += c1;
      i2 += c2;
    }
  }
  if (ref_gathered + cur_gathered > (n1 + n2) / 4) return std::nullopt;

  std::vector<double> ref_values(ref_gathered);
  std::vector<double> cur_values(cur_gathered);
  {
    std::vector<size_t> ref_next(candidates.size());
    std::vector<size_t> cur_next(candidates.size());
    for (size_t k = 0; k < candidates.size(); ++k) {
      ref_next[k] = candidates[k].ref_begin;
      cur_next[k] = candidates[k].cur_begin;
    }
    for (double x : reference) {
      const int32_t k = slot[bucket_of(x)];
      if (k >= 0) ref_values[ref_next[static_cast<size_t>(k)]++] = x;
    }
    for (double x : current) {
      const int32_t k = slot[bucket_of(x)];
      if (k >= 0) cur_values[cur_next[static_cast<size_t>(k)]++] = x;
    }
  }

  // Walk the runs of equal values of each candidate bucket in ascending order, starting from
  // the counts of all earlier buckets: the same differences the full walk would see there.
  RunExtremes extremes;
  for (const Candidate& c : candidates) {
    double* ref_begin = ref_values.data() + c.ref_begin;
    double* ref_end = ref_begin + ref_counts[c.bucket];
    double* cur_begin = cur_values.data() + c.cur_begin;
    double* cur_end = cur_begin + cur_counts[c.bucket];
    std::sort(ref_begin, ref_end);
    std::sort(cur_begin, cur_end);
    size_t i1 = c.ref_before;
    size_t i2 = c.cur_before;
    const double* r = ref_begin;
    const double* u = cur_begin;
    while (r != ref_end || u != cur_end) {
      const bool has_reference = r != ref_end && (u == cur_end || *r <= *u);
      // Report a run at its reference value when it has one, as the reference block does.
      const double x = has_reference ? *r : *u;
      while (r != ref_end && *r == x) ++r, ++i1;
      while (u != cur_end && *u == x) ++u, ++i2;
      extremes.EndRun(x, static_cast<double>(i1) / dn1 - static_cast<double>(i2) / dn2,
                      has_reference);
    }
  }
  return extremes.Statistic();
}

}  // namespace

KsResult KsTwoSample(std::span<const double> reference, std::span<const double> current,
                     KsMethod method) {
  return WithPvalue(SortedStatistic(reference, current), static_cast<long>(reference.size()),
                    static_cast<long>(current.size()), method);
}

KsResult KsTwoSampleUnsorted(std::span<const double> reference, std::span<const double> current,
                             KsMethod method) {
  std::optional<KsResult> statistic;
  if (reference.size() + current.size() >= kMinBucketed) {
    statistic = BucketedStatistic(reference, current);
  }
  if (!statistic.has_value()) statistic = SortingStatistic(reference, current);
  return WithPvalue(*statistic, static_cast<long>(reference.size()),
                    static_cast<long>(current.size()), method);
}

}  // namespace vakt::diagnose
