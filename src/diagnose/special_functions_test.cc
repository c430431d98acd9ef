#include "diagnose/special_functions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace vakt::diagnose {
namespace {

// Reference values from /usr/bin/python3 with scipy 1.10.1 (Debian 12).
constexpr double kRel = 1e-10;

void ExpectRelNear(double expected, double actual, const std::string& what) {
  if (expected == actual) return;
  EXPECT_LE(std::fabs(expected - actual), kRel * std::fabs(expected))
      << what << ": expected " << expected << " got " << actual;
}

TEST(SpecialFunctionsTest, NormalCdfMatchesNdtr) {
  ExpectRelNear(0.9331927987311419, NormalCdf(1.5), "ndtr(1.5)");
  ExpectRelNear(0.3820885778110474, NormalCdf(-0.3), "ndtr(-0.3)");
}

TEST(SpecialFunctionsTest, ChiSquareSfMatchesScipy) {
  struct Case {
    double x, dof, expected;
  };
  for (const Case& c : std::vector<Case>{{3.5, 4, 0.477878344488724},
                                         {1500.0, 1499, 0.4878601322706867},
                                         {0.01, 20, 1.0},
                                         {200.0, 3, 4.218541107192018e-43}}) {
    ExpectRelNear(c.expected, ChiSquareSf(c.x, c.dof), "chi2.sf");
  }
  EXPECT_EQ(0.0, ChiSquareSf(INFINITY, 3));
}

TEST(SpecialFunctionsTest, KolmogorovAndSmirnovMatchScipy) {
  ExpectRelNear(0.9639452436648751, KolmogorovSf(0.5), "kolmogorov(0.5)");
  ExpectRelNear(0.11224966667072497, KolmogorovSf(1.2), "kolmogorov(1.2)");
  ExpectRelNear(0.01571942744940561, SmirnovSf(50, 0.2), "smirnov(50, 0.2)");
  ExpectRelNear(0.01806981293722266, SmirnovSf(5000, 0.02), "smirnov(5000, 0.02)");
}

// The peak-window summation must equal the plain Birnbaum-Tingey sum over every term.
TEST(SpecialFunctionsTest, SmirnovWindowedSumEqualsFullSum) {
  for (long n : {3L, 17L, 141L, 1000L, 20000L, 100000L}) {
    for (double d : {0.001, 0.01, 0.03, 0.1, 0.25, 0.5, 0.8}) {
      const long last = static_cast<long>(std::floor(n * (1.0L - d)));
      long double full = 0;
      for (long v = 0; v <= last; ++v) {
        const long double e = d + static_cast<long double>(v) / n;
        if (e >= 1.0L) continue;  // (1 - e)^(n - v) = 0
        long double t = std::lgamma(n + 1.0L) - std::lgamma(v + 1.0L) - std::lgamma(n - v + 1.0L) +
                        std::log(static_cast<long double>(d)) + (v - 1.0L) * std::log(e);
        if (v < n) t += (n - v) * std::log(1.0L - e);
        full += std::exp(t);
      }
      const double expected = std::min(1.0, static_cast<double>(full));
      ExpectRelNear(expected, SmirnovSf(n, d),
                    "smirnov(" + std::to_string(n) + ", " + std::to_string(d) + ")");
    }
  }
}

// Past 2 n d^2 = 800 SmirnovSf returns 0 without summing (Massart's bound); just inside it,
// the long-double full sum still underflows to 0 too, and just below, both agree.
TEST(SpecialFunctionsTest, SmirnovUnderflowShortcutAgreesWithTheFullSum) {
  for (long n : {2000L, 100000L}) {
    for (double two_n_d2 : {700.0, 801.0, 2000.0}) {
      const double d = std::sqrt(two_n_d2 / (2.0 * static_cast<double>(n)));
      const long last = static_cast<long>(std::floor(n * (1.0L - d)));
      long double full = 0;
      for (long v = 0; v <= last; ++v) {
        const long double e = d + static_cast<long double>(v) / n;
        long double t = std::lgamma(n + 1.0L) - std::lgamma(v + 1.0L) - std::lgamma(n - v + 1.0L) +
                        std::log(static_cast<long double>(d)) + (v - 1.0L) * std::log(e);
        if (v < n) t += (n - v) * std::log(1.0L - e);
        full += std::exp(t);
      }
      const double expected = static_cast<double>(full);
      if (two_n_d2 > 800) {
        EXPECT_EQ(expected, 0.0) << n << " " << d;
      }
      ExpectRelNear(expected, SmirnovSf(n, d),
                    "smirnov(" + std::to_string(n) + ", " + std::to_string(d) + ")");
    }
  }
}

TEST(SpecialFunctionsTest, KstwoSfCoversEveryRegime) {
  struct Case {
    long n;
    double d, expected;
  };
  for (const Case& c : std::vector<Case>{{100, 0.05, 0.9532159710635725},      // Durbin
                                         {100, 0.12, 0.1033037490181987},      // Pomeranz
                                         {100, 0.3, 1.7719869892662917e-08},   // 2 x Smirnov
                                         {100000, 0.002, 0.8178408363081542},  // Durbin, large n
                                         {100000, 0.006, 0.0014871489301131564},
                                         {300, 0.06, 0.221275575895042},
                                         {200000, 0.003, 0.0545369786611305},  // Pelz-Good
                                         {10, 0.05, 1.0}}) {
    ExpectRelNear(c.expected, KolmogorovNSf(c.n, c.d),
                  "kstwo.sf(" + std::to_string(c.d) + ", " + std::to_string(c.n) + ")");
  }
}

TEST(SpecialFunctionsTest, PairwiseSumIsExactOnIntegers) {
  std::vector<double> values;
  for (int i = 1; i <= 1000; ++i) values.push_back(i);
  EXPECT_EQ(500500.0, PairwiseSum(values));
  EXPECT_EQ(0.0, PairwiseSum({}));
}

}  // namespace
}  // namespace vakt::diagnose
