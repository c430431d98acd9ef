#include "diagnose/special_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace vakt::diagnose {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

// Scaling used by scipy's Kolmogorov code to keep matrix powers in range: 2^128.
constexpr int kScaleExponent = 128;
const double kScaleUp = std::ldexp(1.0, kScaleExponent);
const double kScaleDown = std::ldexp(1.0, -kScaleExponent);

// SmirnovSf returns 0 when 2 n d^2 exceeds this (see there).
constexpr double kSmirnovUnderflowExponent = 800.0;
// From this n on, SmirnovSf sums its terms' ratios to the peak term in double (see there).
constexpr long kSmirnovDoubleWalkMinN = 2000;

double ClipProbability(double p) { return std::clamp(p, 0.0, 1.0); }

// Series for P(a, x), good for x < a + 1.
double GammaPSeries(double a, double x, double log_prefactor) {
  double term = 1.0 / a;
  double sum = term;
  for (int k = 1; k < 100000; ++k) {
    term *= x / (a + k);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEpsilon * 0.5) break;
  }
  return sum * std::exp(log_prefactor);
}

// Continued fraction for Q(a, x) (modified Lentz), good for x >= a + 1.
double GammaQContinuedFraction(double a, double x, double log_prefactor) {
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon * 0.5) break;
  }
  return std::exp(log_prefactor) * h;
}

// numpy.polyval: Horner from the highest coefficient.
double PolyVal(std::span<const double> coefficients, double x) {
  double y = 0.0;
  for (double c : coefficients) y = y * x + c;
  return y;
}

double LogNFactorialDivNPowN(double n) {
  static constexpr double kStirling[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3,
                                         -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                         -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                         -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  return std::log(n) / 2 - n + std::log(2 * kPi) / 2 + rn * PolyVal(kStirling, rn / n);
}

using Matrix = std::vector<double>;  // row-major, square

Matrix MatMul(const Matrix& a, const Matrix& b, int m) {
  Matrix out(static_cast<size_t>(m) * m, 0.0);
  for (int row = 0; row < m; ++row) {
    for (int mid = 0; mid < m; ++mid) {
      const double factor = a[static_cast<size_t>(row) * m + mid];
      if (factor == 0.0) continue;
      const double* b_row = &b[static_cast<size_t>(mid) * m];
      double* out_row = &out[static_cast<size_t>(row) * m];
      for (int col = 0; col < m; ++col) out_row[col] += factor * b_row[col];
    }
  }
  return out;
}

// Durbin's matrix method as arranged by Marsaglia, Tsang and Wang (2003): P(D_n <= d).
double KolmogorovNCdfDurbin(long n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const int k = static_cast<int>(std::ceil(nd));
  const double h = k - nd;
  const int m = 2 * k - 1;
  std::vector<double> v(m), w(m);
  double fac = 1.0;
  for (int j = 1; j <= m; ++j) {
    v[j - 1] = 1.0 - std::pow(h, j);
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
  v[m - 1] = (1.0 + tt) * fac;

  Matrix big_h(static_cast<size_t>(m) * m, 0.0);
  auto at = [m](Matrix& mat, int row, int col) -> double& {
    return mat[static_cast<size_t>(row) * m + col];
  };
  for (int col = 1; col < m; ++col) {
    for (int row = col - 1; row < m; ++row) at(big_h, row, col) = w[row - (col - 1)];
  }
  for (int row = 0; row < m; ++row) at(big_h, row, 0) = v[row];
  for (int col = 0; col < m; ++col) at(big_h, m - 1, col) = v[m - 1 - col];

  Matrix power(static_cast<size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i) at(power, i, i) = 1.0;
  long remaining = n;
  long exponent = 0;
  long h_exponent = 0;
  while (remaining > 0) {
    if (remaining % 2) {
      power = MatMul(power, big_h, m);
      exponent += h_exponent;
    }
    big_h = MatMul(big_h, big_h, m);
    h_exponent *= 2;
    if (std::fabs(at(big_h, k - 1, k - 1)) > kScaleUp) {
      for (double& x : big_h) x /= kScaleUp;
      h_exponent += kScaleExponent;
    }
    remaining /= 2;
  }
  double p = at(power, k - 1, k - 1);
  for (long i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / static_cast<double>(n);
    if (std::fabs(p) < kScaleDown) {
      p *= kScaleUp;
      exponent -= kScaleExponent;
    }
  }
  if (exponent != 0) p = std::ldexp(p, static_cast<int>(exponent));
  return ClipProbability(p);
}

void PomeranzBounds(long i, long n, long ll, long ceilf, long roundf, long* j1, long* j2) {
  long a;
  long b;
  if (i == 0) {
    a = -ll - ceilf - 1;
    b = ll + ceilf - 1;
  } else {
    const long half = (i + 1) / 2;
    if ((i + 1) % 2 == 0) {
      if (half == n + 1) {
        a = n - ll - ceilf - 1;
        b = n + ll + ceilf - 1;
      } else {
        a = half - 1 - ll - roundf - 1;
        b = half + ll - 1 + ceilf - 1;
      }
    } else {
      a = half - 1 - ll - 1;
      b = half + ll + roundf - 1;
    }
  }
  *j1 = std::max(a + 2, 0L);
  *j2 = std::min(b, n);
}

// Pomeranz (1974) recursion: P(D_n <= x), for moderate n and n x^2.
double KolmogorovNCdfPomeranz(long n, double x) {
  const double t = static_cast<double>(n) * x;
  const long ll = static_cast<long>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const long ceilf = f > 0 ? 1 : 0;
  const long roundf = f > 0.5 ? 1 : 0;
  const long npwrs = 2 * (ll + 1);
  std::vector<double> gpower(npwrs), twogpower(npwrs), onem2gpower(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
  const double nd = static_cast<double>(n);
  const double g_over_n = g / nd;
  const double two_g_over_n = 2 * g / nd;
  const double one_minus_two_g_over_n = (1 - 2 * g) / nd;
  for (long m = 1; m < npwrs; ++m) {
    gpower[m] = gpower[m - 1] * g_over_n / static_cast<double>(m);
    twogpower[m] = twogpower[m - 1] * two_g_over_n / static_cast<double>(m);
    onem2gpower[m] = onem2gpower[m - 1] * one_minus_two_g_over_n / static_cast<double>(m);
  }
  std::vector<double> v0(npwrs, 0.0), v1(npwrs, 0.0);
  v1[0] = 1.0;
  long v0s = 0;
  long v1s = 0;
  long exponent = 0;
  long j1;
  long j2;
  PomeranzBounds(0, n, ll, ceilf, roundf, &j1, &j2);
  for (long i = 1; i < 2 * n + 2; ++i) {
    const long k1 = j1;
    std::swap(v0, v1);
    std::swap(v0s, v1s);
    std::fill(v1.begin(), v1.end(), 0.0);
    PomeranzBounds(i, n, ll, ceilf, roundf, &j1, &j2);
    const std::vector<double>& pwrs =
        (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);
    const long ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const long conv_start = j1 - k1;
      const long conv_len = j2 - j1 + 1;
      const double* a = &v0[k1 - v0s];
      for (long out = 0; out < conv_len; ++out) {
        const long idx = conv_start + out;  // index into the full convolution
        double sum = 0.0;
        const long lo = std::max(0L, idx - (ln2 - 1));
        const long hi = std::min(idx, ln2 - 1);
        for (long p = lo; p <= hi; ++p) sum += a[p] * pwrs[idx - p];
        v1[out] = sum;
      }
      const double max_v1 = *std::max_element(v1.begin(), v1.end());
      if (max_v1 > 0 && max_v1 < kScaleDown) {
        for (double& value : v1) value *= kScaleUp;
        exponent -= kScaleExponent;
      }
      v1s = v0s + j1 - k1;
    }
  }
  // scipy's answer becomes a long double once it is rescaled; keep the extra precision too.
  long double ans = v1[n - v1s];
  for (long m = 1; m <= n; ++m) {
    if (std::fabs(ans) > kScaleUp) {
      ans *= kScaleDown;
      exponent += kScaleExponent;
    }
    ans *= m;
  }
  if (exponent != 0) ans = std::ldexp(ans, static_cast<int>(exponent));
  return ClipProbability(static_cast<double>(ans));
}

// Pelz-Good (1976) asymptotic expansion of P(D_n <= x).
double KolmogorovNCdfPelzGood(long n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double nd = static_cast<double>(n);
  const double z = std::sqrt(nd) * x;
  const double z2 = z * z;
  const double z3 = z * z * z;
  const double z4 = z2 * z2;
  const double z6 = z4 * z2;
  const double pi2 = kPi * kPi;
  const double pi4 = pi2 * pi2;
  const double pi6 = pi4 * pi2;
  const double qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);
  const double k1a = -z2;
  const double k1b = pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4;
  const double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
  const double k2c = pi4 * (1 - 2 * z2) / 16;
  const double k3d = pi6 * (5 - 30 * z2) / 64;
  const double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
  const double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
  const double k3a = -30 * z6 - 90 * std::pow(z, 8);
  double k[4] = {0, 0, 0, 0};
  const long maxk = static_cast<long>(std::ceil(16 * z / kPi));
  for (long kk = maxk; kk > 0; --kk) {
    const double m = 2.0 * static_cast<double>(kk) - 1;
    const double m2 = m * m;
    const double m4 = m2 * m2;
    const double m6 = m4 * m2;
    const double qpower = std::pow(q, 8.0 * static_cast<double>(kk));
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) k[i] = k[i] * qpower + coeffs[i];
  }
  const double sqrt2pi = std::sqrt(2 * kPi);
  const double denominators[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) k[i] = k[i] * q * sqrt2pi / denominators[i];
  q = std::exp(-pi2 / 2 / z2);
  std::vector<double> k2_terms;
  std::vector<double> k3_terms;
  const double sqrt3z = std::sqrt(3.0) * z;
  for (long kk = maxk; kk > 0; --kk) {
    const double ks = static_cast<double>(kk);
    const double ks2 = ks * ks;
    const double qpw = std::pow(q, ks2);
    const double kspi = kPi * ks;
    k2_terms.push_back(ks2 * qpw);
    k3_terms.push_back((sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qpw);
  }
  k[2] += PairwiseSum(k2_terms) * (pi2 * sqrt2pi / (-36 * z3));
  k[3] += PairwiseSum(k3_terms) * (pi2 * sqrt2pi / (216 * z6));
  double total = 0.0;
  for (int i = 0; i < 4; ++i) total += k[i] / std::pow(nd, i / 2.0);
  return total;
}

double PairwiseSumImpl(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSumImpl(a, n2) + PairwiseSumImpl(a + n2, n - n2);
}

}  // namespace

double PairwiseSum(std::span<const double> values) {
  return PairwiseSumImpl(values.data(), values.size());
}

double NormalCdf(double a) {
  const double x = a * kSqrt1_2;
  const double z = std::fabs(x);
  if (z < kSqrt1_2) return 0.5 + 0.5 * std::erf(x);
  double y = 0.5 * std::erfc(z);
  if (x > 0) y = 1.0 - y;
  return y;
}

double RegularizedGammaQ(double a, double x) {
  if (std::isnan(a) || std::isnan(x) || a <= 0 || x < 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x == 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  const double log_prefactor = a * std::log(x) - x - std::lgamma(a);
  if (x < a + 1.0) return 1.0 - GammaPSeries(a, x, log_prefactor);
  return GammaQContinuedFraction(a, x, log_prefactor);
}

double ChiSquareSf(double x, double dof) {
  if (std::isnan(x)) return x;
  if (x <= 0) return 1.0;
  return RegularizedGammaQ(dof / 2.0, x / 2.0);
}

double KolmogorovSf(double x) {
  if (std::isnan(x)) return x;
  if (x <= 0) return 1.0;
  if (x <= kPi / std::sqrt(746.0 * 8)) return 1.0;
  constexpr double kCutover = 0.82;
  if (x <= kCutover) {
    const double w = std::sqrt(2 * kPi) / x;
    const double logu8 = -kPi * kPi / (x * x);
    const double u = std::exp(logu8 / 8);
    double p;
    if (u == 0) {
      p = std::exp(logu8 / 8 + std::log(w));
    } else {
      const double u8 = std::exp(logu8);
      const double u8cub = std::pow(u8, 3);
      p = 1.0;
      p = 1 + u8cub * p;
      p = 1 + u8 * u8 * p;
      p = 1 + u8 * p;
      p = w * u * p;
    }
    return ClipProbability(1 - p);
  }
  const double v = std::exp(-2 * x * x);
  const double vsq = v * v;
  const double v3 = std::pow(v, 3);
  double p = 1.0;
  p = 1 - v3 * v3 * v * p;
  p = 1 - v3 * vsq * p;
  p = 1 - v3 * p;
  return ClipProbability(2 * v * p);
}

double SmirnovSf(long n, double d) {
  if (std::isnan(d) || n <= 0 || d < 0 || d > 1) return std::numeric_limits<double>::quiet_NaN();
  if (d == 0) return 1.0;
  if (d == 1) return 0.0;
  // Massart (1990): P(D+_n >= d) <= exp(-2 n d^2) whenever the bound is <= 1/2. Past
  // 2 n d^2 = 800 the probability is below e^-800, under half the smallest subnormal, so its
  // correctly rounded value is 0; the peak search below cost 0.3 ms to find that out (n = 1e5).
  if (2.0 * static_cast<double>(n) * d * d > kSmirnovUnderflowExponent) return 0.0;
  const long double ld = d;
  const long double ln = static_cast<long double>(n);
  const long last = static_cast<long>(std::floor(ln * (1.0L - ld)));
  const long double log_n_factorial = std::lgamma(ln + 1.0L);
  const long double log_d = std::log(ld);
  // log of the Birnbaum-Tingey term C(n,v) d (d+v/n)^(v-1) (1-d-v/n)^(n-v), given log C(n,v).
  auto log_term_given = [&](long v, long double log_binomial) -> long double {
    const long double vl = static_cast<long double>(v);
    const long double evn = ld + vl / ln;
    const long double omevn = 1.0L - evn;
    long double t = log_binomial + log_d + (vl - 1.0L) * std::log(evn);
    if (v < n) {
      if (omevn <= 0.0L) return -std::numeric_limits<long double>::infinity();
      t += (ln - vl) * std::log(omevn);
    }
    return t;
  };
  auto log_binomial_at = [&](long v) -> long double {
    const long double vl = static_cast<long double>(v);
    return log_n_factorial - std::lgamma(vl + 1.0L) - std::lgamma(ln - vl + 1.0L);
  };
  auto log_term = [&](long v) { return log_term_given(v, log_binomial_at(v)); };
  // Every term is positive and the terms are unimodal in v, so the sum is well conditioned and
  // only a window around the peak matters: locate the peak by ternary search, then add terms
  // outwards until they fall below 1e-20 of the peak (far below a double's resolution of the
  // sum).
  long lo = 0;
  long hi = last;
  while (hi - lo > 2) {
    const long m1 = lo + (hi - lo) / 3;
    const long m2 = hi - (hi - lo) / 3;
    if (log_term(m1) < log_term(m2)) {
      lo = m1 + 1;
    } else {
      hi = m2 - 1;
    }
  }
  long peak = lo;
  long double peak_log = log_term(lo);
  for (long v = lo + 1; v <= hi; ++v) {
    const long double t = log_term(v);
    if (t > peak_log) {
      peak_log = t;
      peak = v;
    }
  }
  if (std::isinf(peak_log)) return 0.0;
  constexpr long double kNegligible = -46.1L;  // ln(1e-20)
  long double sum = 1.0L;                      // terms scaled by exp(-peak_log)
  if (n < kSmirnovDoubleWalkMinN) {
    // Small n: few terms, so stay in long double throughout, with log C(n, v) updated by one
    // log per step.
    const long double peak_binomial = log_binomial_at(peak);
    long double log_binomial = peak_binomial;
    for (long v = peak - 1; v >= 0; --v) {
      // C(n, v) = C(n, v + 1) (v + 1) / (n - v)
      log_binomial += std::log(static_cast<long double>(v + 1) / static_cast<long double>(n - v));
      const long double rel = log_term_given(v, log_binomial) - peak_log;
      sum += std::exp(rel);
      if (rel < kNegligible) break;
    }
    log_binomial = peak_binomial;
    for (long v = peak + 1; v <= last; ++v) {
      // C(n, v) = C(n, v - 1) (n - v + 1) / v
      log_binomial += std::log(static_cast<long double>(n - v + 1) / static_cast<long double>(v));
      const long double rel = log_term_given(v, log_binomial) - peak_log;
      sum += std::exp(rel);
      if (rel < kNegligible) break;
    }
  } else {
    // Large n: the window holds tens of thousands of terms (about 56 000 for n = 1e5 and
    // d = 0.02: the terms behave like exp(-n d^2 / (2 p (1 - p))) in p = v / n, which is flat),
    // and four long-double transcendentals per term took 9-15 ms per p-value. Here each term's
    // log ratio to the peak term uses double log and exp; what keeps it accurate:
    // - e = d + v/n and 1 - e are formed in long double and each double log gets the first-order
    //   correction for rounding its argument to double, so the (n - v)- and (v - 1)-fold
    //   multiples of the logs carry only the logs' own half-ulp error;
    // - products and the running log C(n, v) / C(n, peak) are accumulated in long double, since
    //   in double they sit near 7e4 and lost ~1e-11 per addition (3e-10 over 5e4 steps).
    // The result stays within ~1e-11 relative of the all-long-double sum (unit test: 1e-10).
    const long double inv_n = 1.0L / ln;
    auto log_of = [](long double x) -> long double {
      const double rounded = static_cast<double>(x);
      return static_cast<long double>(std::log(rounded)) +
             static_cast<double>(x - rounded) / rounded;
    };
    auto shape = [&](long v) -> long double {  // (v - 1) ln(d + v/n) + (n - v) ln(1 - d - v/n)
      const long double e = ld + static_cast<long double>(v) * inv_n;
      long double s = static_cast<long double>(v - 1) * log_of(e);
      if (v < n) {
        const long double o = 1.0L - e;
        if (o <= 0.0L) return -std::numeric_limits<long double>::infinity();
        s += static_cast<long double>(n - v) * log_of(o);
      }
      return s;
    };
    const long double peak_shape = shape(peak);
    long double log_binomial_ratio = 0.0L;  // log C(n, v) - log C(n, peak)
    for (long v = peak - 1; v >= 0; --v) {
      log_binomial_ratio += std::log(static_cast<double>(v + 1) / static_cast<double>(n - v));
      const double rel = static_cast<double>(log_binomial_ratio + (shape(v) - peak_shape));
      sum += std::exp(rel);
      if (rel < kNegligible) break;
    }
    log_binomial_ratio = 0.0L;
    for (long v = peak + 1; v <= last; ++v) {
      log_binomial_ratio += std::log(static_cast<double>(n - v + 1) / static_cast<double>(v));
      const double rel = static_cast<double>(log_binomial_ratio + (shape(v) - peak_shape));
      sum += std::exp(rel);
      if (rel < kNegligible) break;
    }
  }
  return ClipProbability(static_cast<double>(std::exp(peak_log + std::log(sum))));
}

double KolmogorovNSf(long n, double x) {
  if (n <= 0 || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const double nd = static_cast<double>(n);
  const double t = nd * x;
  if (t <= 1.0) {
    if (t <= 0.5) return 1.0;
    double prob;
    if (n <= 140) {
      prob = 1.0;
      for (long i = 1; i <= n; ++i) {
        prob *= static_cast<double>(i) * (1.0 / nd) * (2 * t - 1);
      }
    } else {
      prob = std::exp(LogNFactorialDivNPowN(nd) + nd * std::log(2 * t - 1));
    }
    return ClipProbability(1.0 - prob);
  }
  if (t >= nd - 1) return ClipProbability(2 * std::pow(1.0 - x, nd));
  if (x >= 0.5) return ClipProbability(2 * SmirnovSf(n, x));
  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return ClipProbability(1.0 - KolmogorovNCdfDurbin(n, x));
    if (nxsquared <= 4) return ClipProbability(1.0 - KolmogorovNCdfPomeranz(n, x));
    return ClipProbability(2 * SmirnovSf(n, x));
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return ClipProbability(2 * SmirnovSf(n, x));
  double cdf;
  if (n <= 100000 && nd * std::pow(x, 1.5) <= 1.4) {
    cdf = KolmogorovNCdfDurbin(n, x);
  } else {
    cdf = KolmogorovNCdfPelzGood(n, x);
  }
  return ClipProbability(1.0 - cdf);
}

}  // namespace vakt::diagnose
