#include "diagnose/drift_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "diagnose/merge_scan.h"
#include "diagnose/pairwise_sum.h"
#include "diagnose/special_functions.h"
#include "diagnose/value_range.h"

namespace vakt::diagnose {
namespace {

// scipy.special.rel_entr.
double RelEntr(double x, double y) {
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  if (x > 0 && y > 0) return x * std::log(x / y);
  if (x == 0 && y >= 0) return 0.0;
  return std::numeric_limits<double>::infinity();
}

std::vector<double> Normalised(std::span<const double> values) {
  const double total = PairwiseSum(values);
  std::vector<double> out(values.begin(), values.end());
  for (double& v : out) v = v / total;
  return out;
}

// Counts of sorted `values` in bins [e_i, e_{i+1}) with the last bin closed (np.histogram).
Counts HistogramCounts(std::span<const double> sorted, std::span<const double> edges) {
  const size_t bins = edges.size() - 1;
  std::vector<int64_t> cumulative(bins + 1);
  for (size_t i = 0; i < bins; ++i) {
    cumulative[i] = std::lower_bound(sorted.begin(), sorted.end(), edges[i]) - sorted.begin();
  }
  cumulative[bins] = std::upper_bound(sorted.begin(), sorted.end(), edges[bins]) - sorted.begin();
  Counts counts(bins);
  for (size_t i = 0; i < bins; ++i) counts[i] = cumulative[i + 1] - cumulative[i];
  return counts;
}

}  // namespace

double WassersteinDistance(std::span<const double> sorted_u, std::span<const double> sorted_v) {
  if (sorted_u.empty() || sorted_v.empty()) return 0.0;
  // The merge walk streams scipy's terms into numpy's pairwise sum without the pooled copy.
  return ScanSorted(sorted_u, sorted_v, /*ks_pvalue=*/false).wasserstein;
}

double PopulationStd(std::span<const double> values) {
  const double n = static_cast<double>(values.size());
  const double mean = PairwiseSum(values) / n;
  size_t i = 0;
  auto square = [&] {
    const double d = values[i++] - mean;
    return d * d;
  };
  return std::sqrt(PairwiseSumOf(values.size(), square) / n);
}

double WassersteinNormed(double wasserstein, double reference_std) {
  return wasserstein / std::max(reference_std, 0.001);
}

namespace {

// SturgesEdges is np.histogram_bin_edges over data spanning [lo, hi] with `size` values.
void SturgesEdges(double lo, double hi, double size, SturgesBinning* out) {
  out->log2n_plus_1 = std::log2(size) + 1.0;
  const double width = (hi - lo) / out->log2n_plus_1;
  double first = lo;
  double last = hi;
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  // numpy derives the count from the width, not from log2(N) + 1 directly; the two differ in
  // the last bit for some ranges and then give one bin more.
  long n_bins = 1;
  if (width != 0) n_bins = static_cast<long>(std::ceil((last - first) / width));
  const double step = (last - first) / static_cast<double>(n_bins);
  out->edges.resize(static_cast<size_t>(n_bins) + 1);
  for (long i = 0; i < n_bins; ++i) {
    out->edges[static_cast<size_t>(i)] = static_cast<double>(i) * step + first;
  }
  out->edges.back() = last;
}

// Counts of unsorted `values` (all within the edges) in [e_i, e_{i+1}), last bin closed: the
// bin is guessed arithmetically and then corrected against the edges, as numpy's uniform-bin
// path does, so the counts equal the searchsorted ones exactly.
Counts HistogramCountsUnsorted(std::span<const double> values, std::span<const double> edges) {
  const size_t bins = edges.size() - 1;
  const double first = edges.front();
  const double scale = static_cast<double>(bins) / (edges.back() - first);
  // Arithmetic guesses first, a block at a time in a loop the compiler vectorises; then each
  // guess is corrected against the edges (numpy's guess is off by at most one bin; the loops
  // keep the count exact whatever the guess) and counted.
  const int32_t last_bin = static_cast<int32_t>(bins) - 1;
  constexpr size_t kBlock = 256;
  int32_t guesses[kBlock];
  // Four interleaved count arrays: with ~20 Sturges bins, consecutive values often fall in the
  // same bin, and with one array each increment waited for the previous one's store.
  constexpr size_t kLanes = 4;
  std::vector<int64_t> lanes(kLanes * bins, 0);
  for (size_t begin = 0; begin < values.size(); begin += kBlock) {
    const size_t n = std::min(kBlock, values.size() - begin);
    const double* block = values.data() + begin;
    for (size_t i = 0; i < n; ++i) {
      const double guess = std::max((block[i] - first) * scale, 0.0);
      const int32_t bin = static_cast<int32_t>(guess);
      guesses[i] = bin < last_bin ? bin : last_bin;
    }
    for (size_t i = 0; i < n; ++i) {
      const double x = block[i];
      size_t bin = static_cast<size_t>(guesses[i]);
      while (bin > 0 && x < edges[bin]) --bin;
      while (bin + 1 < bins && x >= edges[bin + 1]) ++bin;
      ++lanes[(i % kLanes) * bins + bin];
    }
  }
  Counts counts(bins, 0);
  for (size_t lane = 0; lane < kLanes; ++lane) {
    for (size_t bin = 0; bin < bins; ++bin) counts[bin] += lanes[lane * bins + bin];
  }
  return counts;
}

}  // namespace

SturgesBinning BinSturges(std::span<const double> sorted_ref, std::span<const double> sorted_cur) {
  SturgesBinning out;
  const double lo = std::min(sorted_ref.front(), sorted_cur.front());
  const double hi = std::max(sorted_ref.back(), sorted_cur.back());
  SturgesEdges(lo, hi, static_cast<double>(sorted_ref.size() + sorted_cur.size()), &out);
  out.ref_counts = HistogramCounts(sorted_ref, out.edges);
  out.cur_counts = HistogramCounts(sorted_cur, out.edges);
  return out;
}

SturgesBinning BinSturgesUnsorted(std::span<const double> ref, std::span<const double> cur) {
  SturgesBinning out;
  const ValueRange range = PooledRange(ref, cur);
  SturgesEdges(range.min, range.max, static_cast<double>(ref.size() + cur.size()), &out);
  out.ref_counts = HistogramCountsUnsorted(ref, out.edges);
  out.cur_counts = HistogramCountsUnsorted(cur, out.edges);
  return out;
}

std::vector<double> Proportions(const Counts& counts, int64_t n) {
  std::vector<double> out(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    out[i] = static_cast<double>(counts[i]) / static_cast<double>(n);
  }
  return out;
}

double FillZeroProportions(std::vector<double>& proportions) {
  double min_nonzero = std::numeric_limits<double>::infinity();
  for (double p : proportions) {
    if (p != 0) min_nonzero = std::min(min_nonzero, p);
  }
  const double fill = min_nonzero <= 0.0001 ? min_nonzero / 1e6 : 0.0001;
  for (double& p : proportions) {
    if (p == 0) p = fill;
  }
  return fill;
}

double Psi(std::span<const double> ref_filled, std::span<const double> cur_filled) {
  std::vector<double> terms(ref_filled.size());
  for (size_t i = 0; i < terms.size(); ++i) {
    terms[i] = (ref_filled[i] - cur_filled[i]) * std::log(ref_filled[i] / cur_filled[i]);
  }
  return PairwiseSum(terms);
}

double Entropy(std::span<const double> pk, std::span<const double> qk) {
  const std::vector<double> p = Normalised(pk);
  const std::vector<double> q = Normalised(qk);
  std::vector<double> terms(p.size());
  for (size_t i = 0; i < p.size(); ++i) terms[i] = RelEntr(p[i], q[i]);
  return PairwiseSum(terms);
}

double JensenShannon(std::span<const double> pk, std::span<const double> qk, double base) {
  const std::vector<double> p = Normalised(pk);
  const std::vector<double> q = Normalised(qk);
  std::vector<double> left(p.size());
  std::vector<double> right(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    const double m = (p[i] + q[i]) / 2.0;
    left[i] = RelEntr(p[i], m);
    right[i] = RelEntr(q[i], m);
  }
  double js = PairwiseSum(left) + PairwiseSum(right);
  if (base > 0) js /= std::log(base);
  return std::sqrt(js / 2.0);
}

ChiSquareResult EvidentlyChiSquare(const Counts& ref_counts, const Counts& cur_counts,
                                   std::vector<double>* f_exp_out) {
  int64_t n_ref = 0;
  int64_t n_cur = 0;
  for (int64_t c : ref_counts) n_ref += c;
  for (int64_t c : cur_counts) n_cur += c;
  const double k_norm = static_cast<double>(n_cur) / static_cast<double>(n_ref);
  ChiSquareResult out;
  std::vector<double> terms(ref_counts.size());
  std::vector<double> f_exp(ref_counts.size());
  for (size_t i = 0; i < ref_counts.size(); ++i) {
    f_exp[i] = static_cast<double>(ref_counts[i]) * k_norm;
    const double diff = static_cast<double>(cur_counts[i]) - f_exp[i];
    if (f_exp[i] == 0) out.divide_by_zero = true;
    terms[i] = diff * diff / f_exp[i];
  }
  out.statistic = PairwiseSum(terms);
  out.dof = static_cast<int64_t>(ref_counts.size()) - 1;
  out.pvalue = ChiSquareSf(out.statistic, static_cast<double>(out.dof));
  if (f_exp_out != nullptr) *f_exp_out = std::move(f_exp);
  return out;
}

ChiSquareResult ChiSquareContingency(const Counts& ref_counts, const Counts& cur_counts) {
  std::vector<double> ref;
  std::vector<double> cur;
  for (size_t i = 0; i < ref_counts.size(); ++i) {
    if (ref_counts[i] == 0 && cur_counts[i] == 0) continue;
    ref.push_back(static_cast<double>(ref_counts[i]));
    cur.push_back(static_cast<double>(cur_counts[i]));
  }
  const size_t k = ref.size();
  ChiSquareResult out;
  out.n_columns = static_cast<int64_t>(k);
  out.dof = static_cast<int64_t>(k) - 1;
  if (out.dof <= 0) {
    out.statistic = 0.0;
    out.pvalue = 1.0;
    return out;
  }
  std::vector<double> observed;
  observed.insert(observed.end(), ref.begin(), ref.end());
  observed.insert(observed.end(), cur.begin(), cur.end());
  const double row_ref = PairwiseSum(ref);
  const double row_cur = PairwiseSum(cur);
  const double total = PairwiseSum(observed);
  std::vector<double> expected(2 * k);
  for (size_t i = 0; i < k; ++i) {
    const double col = ref[i] + cur[i];
    expected[i] = row_ref * col / total;
    expected[k + i] = row_cur * col / total;
  }
  if (out.dof == 1) {
    out.yates = true;
    for (size_t i = 0; i < 2 * k; ++i) {
      const double diff = expected[i] - observed[i];
      const double direction = diff > 0 ? 1.0 : (diff < 0 ? -1.0 : 0.0);
      observed[i] = observed[i] + std::min(0.5, std::fabs(diff)) * direction;
    }
  }
  std::vector<double> terms(2 * k);
  for (size_t i = 0; i < 2 * k; ++i) {
    const double diff = observed[i] - expected[i];
    terms[i] = diff * diff / expected[i];
  }
  out.statistic = PairwiseSum(terms);
  out.pvalue = ChiSquareSf(out.statistic, static_cast<double>(out.dof));
  return out;
}

ZTestResult EvidentlyZTest(int64_t ref_not_key0, int64_t n_ref, int64_t cur_not_key0, int64_t n_cur,
                           bool both_constant_equal) {
  ZTestResult out;
  out.both_constant_equal = both_constant_equal;
  const double n1 = static_cast<double>(n_ref);
  const double n2 = static_cast<double>(n_cur);
  out.p_ref = static_cast<double>(ref_not_key0) / n1;
  out.p_cur = static_cast<double>(cur_not_key0) / n2;
  out.pooled = (out.p_ref * n1 + out.p_cur * n2) / (n1 + n2);
  if (both_constant_equal) {
    out.z = 0;
    out.pvalue = 1.0;
    out.pvalue_erfc = 1.0;
    return out;
  }
  out.z =
      (out.p_ref - out.p_cur) / std::sqrt(out.pooled * (1 - out.pooled) * (1.0 / n1 + 1.0 / n2));
  const double az = std::fabs(out.z);
  out.pvalue = 2 * (1 - NormalCdf(az));
  out.pvalue_erfc = std::erfc(az / std::sqrt(2.0));
  return out;
}

double NumpyQuantileLinear(std::span<const double> sorted, double q) {
  const size_t n = sorted.size();
  const double virtual_index = static_cast<double>(n - 1) * q;
  if (virtual_index >= static_cast<double>(n - 1)) return sorted[n - 1];
  if (virtual_index < 0) return sorted[0];
  const double previous_index = std::floor(virtual_index);
  const size_t prev = static_cast<size_t>(previous_index);
  const double a = sorted[prev];
  const double b = sorted[prev + 1];
  const double t = virtual_index - previous_index;
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

DecilePsiResult DecilePsi(std::span<const double> sorted_ref, std::span<const double> sorted_cur,
                          double epsilon) {
  DecilePsiResult out;
  for (int i = 1; i < 10; ++i) {
    const double q = static_cast<double>(i) * 0.1;  // np.linspace(0, 1, 11)[i]
    out.interior_edges.push_back(NumpyQuantileLinear(sorted_ref, q));
  }
  out.interior_edges.erase(std::unique(out.interior_edges.begin(), out.interior_edges.end()),
                           out.interior_edges.end());
  auto count = [&](std::span<const double> sorted) {
    Counts counts(out.interior_edges.size() + 1, 0);
    // bin = searchsorted(inner, x, 'right') = number of edges <= x.
    size_t previous = 0;
    for (size_t e = 0; e < out.interior_edges.size(); ++e) {
      const size_t below =
          std::lower_bound(sorted.begin(), sorted.end(), out.interior_edges[e]) - sorted.begin();
      counts[e] = static_cast<int64_t>(below - previous);
      previous = below;
    }
    counts.back() = static_cast<int64_t>(sorted.size() - previous);
    return counts;
  };
  out.ref_counts = count(sorted_ref);
  out.cur_counts = count(sorted_cur);
  out.value = FixedEpsilonPsi(out.ref_counts, out.cur_counts, epsilon);
  return out;
}

double FixedEpsilonPsi(const Counts& ref_counts, const Counts& cur_counts, double epsilon) {
  int64_t n_ref = 0;
  int64_t n_cur = 0;
  for (int64_t c : ref_counts) n_ref += c;
  for (int64_t c : cur_counts) n_cur += c;
  std::vector<double> terms(ref_counts.size());
  for (size_t i = 0; i < ref_counts.size(); ++i) {
    double p_ref = static_cast<double>(ref_counts[i]) / static_cast<double>(n_ref);
    double p_cur = static_cast<double>(cur_counts[i]) / static_cast<double>(n_cur);
    if (p_ref == 0) p_ref = epsilon;
    if (p_cur == 0) p_cur = epsilon;
    terms[i] = (p_cur - p_ref) * std::log(p_cur / p_ref);
  }
  return PairwiseSum(terms);
}

}  // namespace vakt::diagnose
