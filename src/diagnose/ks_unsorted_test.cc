#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "diagnose/ks.h"

namespace vakt::diagnose {
namespace {

// KsTwoSample on sorted copies is the straightforward oracle: the unsorted path must give the
// same D, location, sign, p-value and method bit for bit.
void ExpectSameAsSorted(std::vector<double> ref, std::vector<double> cur, const std::string& what) {
  const KsResult unsorted = KsTwoSampleUnsorted(ref, cur);
  std::sort(ref.begin(), ref.end());
  std::sort(cur.begin(), cur.end());
  const KsResult sorted = KsTwoSample(ref, cur);
  EXPECT_EQ(unsorted.statistic, sorted.statistic) << what;
  EXPECT_EQ(unsorted.location, sorted.location) << what;
  EXPECT_EQ(unsorted.sign, sorted.sign) << what;
  EXPECT_EQ(unsorted.method_used, sorted.method_used) << what;
  if (std::isnan(sorted.pvalue)) {
    EXPECT_TRUE(std::isnan(unsorted.pvalue)) << what;
  } else {
    EXPECT_EQ(unsorted.pvalue, sorted.pvalue) << what;
  }
}

std::vector<double> Normal(std::mt19937_64& rng, size_t n, double shift, double scale,
                           double round_to) {
  std::normal_distribution<double> normal(shift, scale);
  std::vector<double> out(n);
  for (double& x : out) x = std::round(normal(rng) / round_to) * round_to;
  return out;
}

TEST(KsTwoSampleUnsortedTest, EqualsTheSortedOracleOnRandomDataWithTies) {
  std::mt19937_64 rng(61);
  struct Case {
    size_t n_ref, n_cur;
    double shift, scale, round_to;
  };
  // Small cases take the sorting path, large ones the buckets; coarse rounding makes runs of
  // equal values inside and across the samples, so extremes tie at several places and the
  // first-location rule is exercised; unequal sizes make the two CDF steps differ.
  for (const Case& c : std::vector<Case>{{1, 1, 0.0, 1.0, 1e-6},
                                         {7, 3, 0.5, 1.0, 0.5},
                                         {2000, 2000, 0.0, 1.0, 1e-6},
                                         {3000, 5000, 0.2, 1.0, 1e-6},
                                         {20000, 20000, 0.0, 1.0, 1e-6},
                                         {20000, 20000, 0.0, 1.0, 0.25},
                                         {30000, 17000, 0.05, 1.0, 0.01},
                                         {50000, 50000, 1.5, 2.0, 1e-3},
                                         {40000, 60000, -0.3, 0.5, 1e-6},
                                         {9000, 9000, 0.0, 1.0, 1.0},
                                         {100000, 80000, 3.0, 1.0, 1e-6}}) {
    for (int repeat = 0; repeat < 3; ++repeat) {
      ExpectSameAsSorted(Normal(rng, c.n_ref, 0.0, 1.0, c.round_to),
                         Normal(rng, c.n_cur, c.shift, c.scale, c.round_to),
                         std::to_string(c.n_ref) + " vs " + std::to_string(c.n_cur) + " shift " +
                             std::to_string(c.shift) + " round " + std::to_string(c.round_to));
    }
  }
}

TEST(KsTwoSampleUnsortedTest, SmallIntegerDataWithManyTiedExtremes) {
  std::mt19937_64 rng(62);
  for (int repeat = 0; repeat < 20; ++repeat) {
    std::uniform_int_distribution<int> small(0, 3 + repeat);
    std::vector<double> ref(6000);
    std::vector<double> cur(4000 + 100 * static_cast<size_t>(repeat));
    for (double& x : ref) x = small(rng);
    for (double& x : cur) x = small(rng);
    ExpectSameAsSorted(ref, cur, "integers 0.." + std::to_string(3 + repeat));
  }
}

TEST(KsTwoSampleUnsortedTest, DegenerateRangesFallBackAndStayExact) {
  std::mt19937_64 rng(63);
  // Constant and identical samples: zero width, no buckets.
  ExpectSameAsSorted(std::vector<double>(5000, 2.5), std::vector<double>(7000, 2.5), "constant");
  std::vector<double> same = Normal(rng, 8000, 0.0, 1.0, 1e-6);
  ExpectSameAsSorted(same, same, "identical samples");
  // Disjoint supports: D = 1 at the reference maximum.
  ExpectSameAsSorted(Normal(rng, 6000, 0.0, 0.1, 1e-6), Normal(rng, 6000, 10.0, 0.1, 1e-6),
                     "disjoint");
  // One huge outlier squeezes everything else into one bucket; one infinity makes the range
  // infinite; signed zeros compare equal and must form one run.
  std::vector<double> outlier = Normal(rng, 10000, 0.0, 1.0, 1e-6);
  outlier.push_back(1e300);
  ExpectSameAsSorted(outlier, Normal(rng, 9000, 0.1, 1.0, 1e-6), "outlier");
  std::vector<double> infinite = Normal(rng, 10000, 0.0, 1.0, 1e-6);
  infinite.push_back(-std::numeric_limits<double>::infinity());
  ExpectSameAsSorted(infinite, Normal(rng, 9000, 0.1, 1.0, 1e-6), "infinity");
  std::vector<double> zeros_ref(5000, 0.0);
  std::vector<double> zeros_cur(5000, -0.0);
  for (size_t i = 0; i < 2000; ++i)
    zeros_ref[i] = -0.0, zeros_cur[i] = 1.0 + static_cast<double>(i);
  ExpectSameAsSorted(zeros_ref, zeros_cur, "signed zeros");
  // Values at the extremes of the range land in the first and the last bucket.
  std::vector<double> edges = Normal(rng, 10000, 0.0, 1.0, 1e-6);
  edges.insert(edges.end(), 50, *std::max_element(edges.begin(), edges.end()));
  edges.insert(edges.end(), 50, *std::min_element(edges.begin(), edges.end()));
  ExpectSameAsSorted(edges, Normal(rng, 10000, 0.0, 1.0, 1e-6), "range ends");
}

}  // namespace
}  // namespace vakt::diagnose
