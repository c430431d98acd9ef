#include "diagnose/rank_tests.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <numeric>

#include "diagnose/special_functions.h"

namespace vakt::diagnose {
namespace {

// Midranks of both sorted samples within the pooled sample (scipy rankdata 'average'), plus
// the tie term sum(t^3 - t) over groups of equal values.
struct PooledRanks {
  std::vector<double> ref_ranks;
  std::vector<double> cur_ranks;
  double tie_term = 0;
  bool has_ties = false;
};

PooledRanks MidRanks(std::span<const double> ref, std::span<const double> cur) {
  PooledRanks out;
  out.ref_ranks.resize(ref.size());
  out.cur_ranks.resize(cur.size());
  size_t i = 0;
  size_t j = 0;
  size_t below = 0;  // pooled values strictly below the current group
  while (i < ref.size() || j < cur.size()) {
    double x;
    if (j >= cur.size() || (i < ref.size() && ref[i] <= cur[j])) {
      x = ref[i];
    } else {
      x = cur[j];
    }
    size_t i_end = i;
    size_t j_end = j;
    while (i_end < ref.size() && ref[i_end] == x) ++i_end;
    while (j_end < cur.size() && cur[j_end] == x) ++j_end;
    const size_t t = (i_end - i) + (j_end - j);
    const double rank = static_cast<double>(below) + (static_cast<double>(t) + 1.0) / 2.0;
    for (size_t k = i; k < i_end; ++k) out.ref_ranks[k] = rank;
    for (size_t k = j; k < j_end; ++k) out.cur_ranks[k] = rank;
    if (t > 1) out.has_ties = true;
    const double td = static_cast<double>(t);
    out.tie_term += td * td * td - td;
    below += t;
    i = i_end;
    j = j_end;
  }
  return out;
}

// Counts of U = 0..n1*n2 under H0: coefficients of the Gaussian binomial [n1+n2 choose n1]_q.
std::vector<long double> MannWhitneyCounts(long n1, long n2) {
  const long degree = n1 * n2;
  std::vector<long double> poly(static_cast<size_t>(degree) + 1, 0.0L);
  poly[0] = 1.0L;
  for (long i = 1; i <= n1; ++i) {
    const long s = n2 + i;
    for (long u = degree; u >= s; --u) poly[u] -= poly[u - s];
    for (long u = i; u <= degree; ++u) poly[u] += poly[u - i];
  }
  return poly;
}

// scipy _MWU.sf(k): P(U >= k), summed from the nearer tail.
double MannWhitneyExactSf(long k, long n1, long n2) {
  const std::vector<long double> counts = MannWhitneyCounts(std::min(n1, n2), std::max(n1, n2));
  const double total =
      std::exp(std::lgamma(n1 + n2 + 1.0) - std::lgamma(n1 + 1.0) - std::lgamma(n2 + 1.0));
  // Use the exact binomial when representable (scipy.special.binom is exact for these sizes).
  long double binom = 1.0L;
  for (long i = 1; i <= std::min(n1, n2); ++i) {
    binom = binom * static_cast<long double>(std::max(n1, n2) + i) / static_cast<long double>(i);
  }
  const double total_exact = std::isfinite(static_cast<double>(binom))
                                 ? static_cast<double>(std::nearbyint(binom))
                                 : total;
  auto pmf = [&](long u) { return static_cast<double>(counts[u]) / total_exact; };
  auto cdf = [&](long u) {
    double sum = 0;
    for (long v = 0; v <= u; ++v) sum += pmf(v);
    return sum;
  };
  long kc = n1 * n2 - k;
  if (k < kc) {
    kc = k;
    return 1.0 - cdf(kc) + pmf(kc);
  }
  return cdf(kc);
}

double PolyFitQuadraticEval(std::span<const double> x, std::span<const double> y, double at) {
  // Least squares y ~ c2 x^2 + c1 x + c0 by normal equations in extended precision.
  long double s[5] = {0, 0, 0, 0, 0};
  long double t[3] = {0, 0, 0};
  for (size_t i = 0; i < x.size(); ++i) {
    long double p = 1.0L;
    for (int k = 0; k < 5; ++k) {
      s[k] += p;
      if (k < 3) t[k] += p * y[i];
      p *= x[i];
    }
  }
  // Solve [[s0 s1 s2],[s1 s2 s3],[s2 s3 s4]] [c0 c1 c2] = t by Gaussian elimination.
  long double a[3][4] = {
      {s[0], s[1], s[2], t[0]}, {s[1], s[2], s[3], t[1]}, {s[2], s[3], s[4], t[2]}};
  for (int col = 0; col < 3; ++col) {
    int pivot = col;
    for (int row = col + 1; row < 3; ++row) {
      if (std::fabs(a[row][col]) > std::fabs(a[pivot][col])) pivot = row;
    }
    for (int k = 0; k < 4; ++k) std::swap(a[col][k], a[pivot][k]);
    for (int row = 0; row < 3; ++row) {
      if (row == col) continue;
      const long double f = a[row][col] / a[col][col];
      for (int k = col; k < 4; ++k) a[row][k] -= f * a[col][k];
    }
  }
  const long double c0 = a[0][3] / a[0][0];
  const long double c1 = a[1][3] / a[1][1];
  const long double c2 = a[2][3] / a[2][2];
  const long double xv = at;
  return static_cast<double>((c2 * xv + c1) * xv + c0);
}

// Python's float floor division (used by scipy with a float statistic).
double PythonFloorDiv(double vx, double wx) {
  double mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0 && ((wx < 0) != (mod < 0))) div -= 1.0;
  if (div != 0) {
    double floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
    return floordiv;
  }
  return std::copysign(0.0, vx / wx);
}

// Exact two-sample CvM p-value (Xiao, Gordon & Yakovlev 2006), as scipy's generating recursion.
double CramerVonMisesExactPvalue(double u_stat, long m, long n) {
  const long lcm = std::lcm(m, n);
  const long a = lcm / m;
  const long b = lcm / n;
  const long mn = m * n;
  const double zeta = PythonFloorDiv(static_cast<double>(lcm * lcm * (m + n)) *
                                         (6 * u_stat - static_cast<double>(mn * (4 * mn - 1))),
                                     static_cast<double>(6 * mn * mn));
  using Dist = std::map<int64_t, double>;  // value -> frequency
  std::vector<Dist> gs(static_cast<size_t>(m) + 1);
  gs[0][0] = 1.0;
  for (long u = 0; u <= n; ++u) {
    std::vector<Dist> next(static_cast<size_t>(m) + 1);
    Dist tmp;
    for (long v = 0; v <= m; ++v) {
      for (const auto& [value, freq] : gs[static_cast<size_t>(v)]) tmp[value] += freq;
      const int64_t step = (a * v - b * u) * (a * v - b * u);
      Dist shifted;
      for (const auto& [value, freq] : tmp) shifted.emplace_hint(shifted.end(), value + step, freq);
      tmp = std::move(shifted);
      next[static_cast<size_t>(v)] = tmp;
    }
    gs = std::move(next);
  }
  double combinations = 1.0;
  for (long i = 1; i <= m; ++i)
    combinations = combinations * static_cast<double>(n + i) / static_cast<double>(i);
  combinations = std::nearbyint(combinations);
  double hits = 0;
  for (const auto& [value, freq] : gs[static_cast<size_t>(m)]) {
    if (static_cast<double>(value) >= zeta) hits += freq;
  }
  return hits / combinations;
}

// 1 - CDF of the limiting Cramer-von Mises distribution (Csorgo & Faraway 1996, eq. 1.2).
double CramerVonMisesInfCdf(double x) {
  double total = 0;
  for (int k = 0; k < 1000; ++k) {
    const double u = std::exp(std::lgamma(k + 0.5) - std::lgamma(k + 1.0)) /
                     (std::pow(std::numbers::pi, 1.5) * std::sqrt(x));
    const double y = 4.0 * k + 1;
    const double q = y * y / (16 * x);
    const double z = u * std::sqrt(y) * std::exp(-q) * BesselK(0.25, q);
    total += z;
    if (!(std::fabs(z) >= 1e-7)) break;
  }
  return total;
}

}  // namespace

double BesselK(double nu, double x) {
  if (!(x > 0)) return std::numeric_limits<double>::infinity();
  if (x > 700) return 0.0;
  // Integrand exp(-x cosh t) cosh(nu t) is analytic and decays double-exponentially, so the
  // trapezoidal rule converges geometrically in the step; stop where it underflows.
  const double t_max = std::acosh(std::max(1.0, 760.0 / x)) + 1.0;
  const double h = 1.0 / 64;
  long double sum = 0.5L * std::exp(-x);
  for (double t = h; t <= t_max; t += h) {
    sum += std::exp(-x * std::cosh(t)) * std::cosh(nu * t);
  }
  return static_cast<double>(sum * h);
}

MannWhitneyResult MannWhitney(std::span<const double> ref, std::span<const double> cur,
                              long exact_max_n) {
  MannWhitneyResult out;
  const long n1 = static_cast<long>(ref.size());
  const long n2 = static_cast<long>(cur.size());
  const PooledRanks ranks = MidRanks(ref, cur);
  const double r1 = PairwiseSum(ranks.ref_ranks);
  out.u1 = r1 - static_cast<double>(n1 * (n1 + 1)) / 2;
  const double u2 = static_cast<double>(n1 * n2) - out.u1;
  out.has_ties = ranks.has_ties;
  const double mu = static_cast<double>(n1 * n2) / 2;
  const double n = static_cast<double>(n1 + n2);
  const double s =
      std::sqrt(static_cast<double>(n1 * n2) / 12 * ((n + 1) - ranks.tie_term / (n * (n - 1))));
  auto asymptotic_sf = [&](double u) { return NormalCdf(-((u - mu - 0.5) / s)); };
  const double u_max = std::max(out.u1, u2);
  out.pvalue_asymptotic = std::clamp(2 * asymptotic_sf(u_max), 0.0, 1.0);
  out.auto_exact = !(n1 > 8 && n2 > 8) && !out.has_ties;
  const bool want_exact = out.auto_exact || (!out.has_ties && std::max(n1, n2) <= exact_max_n);
  if (want_exact) {
    out.pvalue_exact =
        std::clamp(2 * MannWhitneyExactSf(static_cast<long>(u_max), n1, n2), 0.0, 1.0);
  }
  if (out.auto_exact) {
    out.pvalue_auto = *out.pvalue_exact;
    out.pvalue_less_auto = std::clamp(MannWhitneyExactSf(static_cast<long>(u2), n1, n2), 0.0, 1.0);
  } else {
    out.pvalue_auto = out.pvalue_asymptotic;
    out.pvalue_less_auto = std::clamp(asymptotic_sf(u2), 0.0, 1.0);
  }
  return out;
}

std::optional<AndersonResult> AndersonKSample(std::span<const double> ref,
                                              std::span<const double> cur) {
  std::vector<double> pooled(ref.size() + cur.size());
  std::merge(ref.begin(), ref.end(), cur.begin(), cur.end(), pooled.begin());
  std::vector<double> unique = pooled;
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  if (unique.size() < 2) return std::nullopt;
  const double big_n = static_cast<double>(pooled.size());
  const bool no_ties = pooled.size() == unique.size();
  std::vector<double> lj(unique.size());
  std::vector<double> bj(unique.size());
  for (size_t z = 0, pos = 0; z < unique.size(); ++z) {
    const size_t left = pos;
    while (pos < pooled.size() && pooled[pos] == unique[z]) ++pos;
    lj[z] = no_ties ? 1.0 : static_cast<double>(pos - left);
    bj[z] = static_cast<double>(left) + lj[z] / 2.;
  }
  double a2akn = 0.;
  for (std::span<const double> s : {ref, cur}) {
    const double ni = static_cast<double>(s.size());
    std::vector<double> inner(unique.size());
    size_t pos = 0;
    for (size_t z = 0; z < unique.size(); ++z) {
      const size_t left = pos;
      while (pos < s.size() && s[pos] == unique[z]) ++pos;
      const double fij = static_cast<double>(pos - left);
      const double mij = static_cast<double>(pos) - fij / 2.;
      const double num = big_n * mij - bj[z] * ni;
      inner[z] = lj[z] / big_n * (num * num) / (bj[z] * (big_n - bj[z]) - big_n * lj[z] / 4.);
    }
    a2akn += PairwiseSum(inner) / ni;
  }
  a2akn *= (big_n - 1.) / big_n;

  const double k = 2;
  const double h_sum =
      0.0 + 1.0 / static_cast<double>(ref.size()) + 1.0 / static_cast<double>(cur.size());
  // hs_cs = cumsum(1 / arange(N-1, 1, -1)); h = hs_cs[-1] + 1; g = sum(hs_cs / arange(2, N)).
  const long nn = static_cast<long>(pooled.size());
  std::vector<double> g_terms;
  double cumulative = 0;
  for (long v = nn - 1, idx = 0; v > 1; --v, ++idx) {
    cumulative += 1. / static_cast<double>(v);
    g_terms.push_back(cumulative / static_cast<double>(idx + 2));
  }
  const double h = cumulative + 1;
  const double g = PairwiseSum(g_terms);
  const double a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * h_sum;
  const double b =
      (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * h_sum - 8 * h + 4 * g - 6;
  const double c =
      (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * h_sum + 4 * h;
  const double d = (2 * h + 6) * k * k - 4 * h * k;
  const double sigmasq = (a * big_n * big_n * big_n + b * big_n * big_n + c * big_n + d) /
                         ((big_n - 1.) * (big_n - 2.) * (big_n - 3.));
  const double m = k - 1;
  AndersonResult out;
  out.statistic = (a2akn - m) / std::sqrt(sigmasq);
  static constexpr double kB0[] = {0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085};
  static constexpr double kB1[] = {-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615};
  static constexpr double kB2[] = {-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154};
  static constexpr double kSig[] = {0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001};
  std::vector<double> log_sig;
  for (int i = 0; i < 7; ++i) {
    out.critical_values.push_back(kB0[i] + kB1[i] / std::sqrt(m) + kB2[i] / m);
    log_sig.push_back(std::log(kSig[i]));
  }
  const auto [min_it, max_it] =
      std::minmax_element(out.critical_values.begin(), out.critical_values.end());
  if (out.statistic < *min_it) {
    out.significance_level = 0.25;
    out.warnings.push_back("p-value capped: true value larger than 0.25");
  } else if (out.statistic > *max_it) {
    out.significance_level = 0.001;
    out.warnings.push_back("p-value floored: true value smaller than 0.001");
  } else {
    out.significance_level =
        std::exp(PolyFitQuadraticEval(out.critical_values, log_sig, out.statistic));
  }
  return out;
}

CramerVonMisesResult CramerVonMises(std::span<const double> ref, std::span<const double> cur) {
  const PooledRanks ranks = MidRanks(ref, cur);
  const long nx = static_cast<long>(ref.size());
  const long ny = static_cast<long>(cur.size());
  std::vector<double> sx(ref.size());
  std::vector<double> sy(cur.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    const double d = ranks.ref_ranks[i] - static_cast<double>(i + 1);
    sx[i] = d * d;
  }
  for (size_t i = 0; i < cur.size(); ++i) {
    const double d = ranks.cur_ranks[i] - static_cast<double>(i + 1);
    sy[i] = d * d;
  }
  const double u =
      static_cast<double>(nx) * PairwiseSum(sx) + static_cast<double>(ny) * PairwiseSum(sy);
  const long k = nx * ny;
  const long big_n = nx + ny;
  CramerVonMisesResult out;
  out.statistic = u / (static_cast<double>(k) * static_cast<double>(big_n)) -
                  static_cast<double>(4 * k - 1) / static_cast<double>(6 * big_n);
  const double nd = static_cast<double>(big_n);
  const double et = (1 + 1 / nd) / 6;
  // scipy evaluates these with Python's unbounded ints; 128-bit keeps them exact here.
  __extension__ typedef __int128 Wide;
  const Wide wk = k;
  const Wide wn = big_n;
  const Wide vt_num = (wn + 1) * (4 * wk * wn - 3 * (Wide{nx} * nx + Wide{ny} * ny) - 2 * wk);
  const Wide vt_den = 45 * wn * wn * 4 * wk;
  double vt =
      static_cast<double>(static_cast<long double>(vt_num) / static_cast<long double>(vt_den));
  const double tn = 1.0 / 6 + (out.statistic - et) / std::sqrt(45 * vt);
  out.pvalue_asymptotic = tn < 0.003 ? 1.0 : std::max(0.0, 1. - CramerVonMisesInfCdf(tn));
  out.auto_exact = std::max(nx, ny) <= 20;
  if (out.auto_exact) out.pvalue_exact = CramerVonMisesExactPvalue(u, nx, ny);
  return out;
}

}  // namespace vakt::diagnose
