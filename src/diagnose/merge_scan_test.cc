#include "diagnose/merge_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "diagnose/drift_stats.h"
#include "diagnose/ks.h"
#include "diagnose/pairwise_sum.h"
#include "diagnose/sort.h"
#include "diagnose/special_functions.h"
#include "diagnose/value_range.h"

namespace vakt::diagnose {
namespace {

// scipy.stats.wasserstein_distance written the way scipy does it: pooled sort, searchsorted
// 'right' for both CDFs, then np.sum of the terms. The independent oracle for the merge walk.
double ScipyWasserstein(const std::vector<double>& u, const std::vector<double>& v) {
  std::vector<double> all = u;
  all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  std::vector<double> terms;
  for (size_t k = 0; k + 1 < all.size(); ++k) {
    const double fu =
        static_cast<double>(std::upper_bound(u.begin(), u.end(), all[k]) - u.begin()) /
        static_cast<double>(u.size());
    const double fv =
        static_cast<double>(std::upper_bound(v.begin(), v.end(), all[k]) - v.begin()) /
        static_cast<double>(v.size());
    terms.push_back(std::fabs(fu - fv) * (all[k + 1] - all[k]));
  }
  return PairwiseSum(terms);
}

std::vector<double> Sample(std::mt19937_64& rng, size_t n, double shift, double round_to) {
  std::normal_distribution<double> normal(shift, 1.0);
  std::vector<double> out(n);
  for (double& x : out) x = std::round(normal(rng) / round_to) * round_to;
  std::sort(out.begin(), out.end());
  return out;
}

TEST(MergeScanTest, AgreesBitForBitWithKsTwoSampleAndScipysWassersteinIncludingTies) {
  std::mt19937_64 rng(6);
  // Coarse rounding makes many ties within and across the samples; unequal sizes exercise the
  // CDF denominators; the small cases hit the pairwise sum's short leaves.
  for (auto [n_ref, n_cur, shift, round_to] :
       std::vector<std::tuple<size_t, size_t, double, double>>{{1, 1, 0.0, 1e-6},
                                                               {3, 5, 0.3, 0.5},
                                                               {700, 1300, 0.1, 0.01},
                                                               {5000, 4000, 0.0, 0.25},
                                                               {20000, 30000, 0.4, 1e-6}}) {
    const std::vector<double> ref = Sample(rng, n_ref, 0.0, round_to);
    const std::vector<double> cur = Sample(rng, n_cur, shift, round_to);
    const MergeScan scan = ScanSorted(ref, cur);
    const KsResult ks = KsTwoSample(ref, cur, KsMethod::kAsymp);
    EXPECT_EQ(scan.ks.statistic, ks.statistic) << n_ref;
    EXPECT_EQ(scan.ks.location, ks.location) << n_ref;
    EXPECT_EQ(scan.ks.sign, ks.sign) << n_ref;
    // scipy's asymp p-value is NaN for 1 vs 1 (round(m n / (m + n)) = 0); NaN must stay NaN.
    if (std::isnan(ks.pvalue)) {
      EXPECT_TRUE(std::isnan(scan.ks.pvalue)) << n_ref;
    } else {
      EXPECT_EQ(scan.ks.pvalue, ks.pvalue) << n_ref;
    }
    EXPECT_EQ(scan.wasserstein, ScipyWasserstein(ref, cur)) << n_ref;
    EXPECT_EQ(WassersteinDistance(ref, cur), scan.wasserstein) << n_ref;
    std::set<double> pooled(ref.begin(), ref.end());
    EXPECT_EQ(scan.n_unique_reference, static_cast<int64_t>(pooled.size())) << n_ref;
    pooled.insert(cur.begin(), cur.end());
    EXPECT_EQ(scan.n_unique_combined, static_cast<int64_t>(pooled.size())) << n_ref;
  }
}

TEST(MergeScanTest, EqualExtremesOnBothSidesReportThePositiveSideAsScipyDoes) {
  // F_ref - F_cur is +0.5 at 1 and -0.5 at 3: ks_2samp keeps the positive side (the negative one
  // must be strictly larger to win) and its first location.
  const std::vector<double> ref = {1, 4};
  const std::vector<double> cur = {2, 3};
  const MergeScan scan = ScanSorted(ref, cur);
  EXPECT_EQ(scan.ks.statistic, 0.5);
  EXPECT_EQ(scan.ks.sign, 1);
  EXPECT_EQ(scan.ks.location, 1.0);
  const KsResult ks = KsTwoSample(ref, cur, KsMethod::kAsymp);
  EXPECT_EQ(scan.ks.location, ks.location);
  EXPECT_EQ(scan.ks.sign, ks.sign);
}

TEST(PairwiseSumOfTest, StreamsTermsInNumpysExactOrder) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> wide(-1e8, 1e8);
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 127u, 128u, 129u, 1000u, 65537u}) {
    std::vector<double> values(n);
    for (double& x : values) x = wide(rng) * std::pow(10.0, static_cast<double>(rng() % 20) - 10);
    size_t next_index = 0;
    auto next = [&] { return values[next_index++]; };
    EXPECT_EQ(PairwiseSumOf(n, next), PairwiseSum(values)) << n;
    EXPECT_EQ(next_index, n);
  }
}

TEST(BinSturgesUnsortedTest, CountsEqualTheSortedSearchsortedCounts) {
  std::mt19937_64 rng(3);
  std::vector<double> ref = Sample(rng, 9000, 0.0, 0.125);
  std::vector<double> cur = Sample(rng, 7000, 0.7, 0.125);
  const SturgesBinning sorted = BinSturges(ref, cur);
  // Values lying exactly on interior edges and on both outer edges must land where np.histogram
  // puts them ([e_i, e_i+1), last bin closed).
  for (size_t e = 1; e + 1 < sorted.edges.size(); ++e) ref.push_back(sorted.edges[e]);
  std::shuffle(ref.begin(), ref.end(), rng);
  std::shuffle(cur.begin(), cur.end(), rng);
  const SturgesBinning unsorted = BinSturgesUnsorted(ref, cur);
  std::vector<double> ref_sorted = ref;
  std::vector<double> cur_sorted = cur;
  SortDoubles(ref_sorted);
  SortDoubles(cur_sorted);
  const SturgesBinning expected = BinSturges(ref_sorted, cur_sorted);
  EXPECT_EQ(unsorted.edges, expected.edges);
  EXPECT_EQ(unsorted.ref_counts, expected.ref_counts);
  EXPECT_EQ(unsorted.cur_counts, expected.cur_counts);
  EXPECT_EQ(unsorted.log2n_plus_1, expected.log2n_plus_1);
}

TEST(BinSturgesUnsortedTest, TinyAndOddSizedSamplesCountLikeTheSortedPath) {
  // The histogram counts in four interleaved lanes plus a tail; sizes 1..13 cover every tail
  // length, and rounding to 0.5 puts values on the edges.
  std::mt19937_64 rng(5);
  for (size_t n_ref = 1; n_ref <= 13; ++n_ref) {
    for (size_t n_cur : {1u, 2u, 3u, 4u, 5u, 11u}) {
      std::vector<double> ref = Sample(rng, n_ref, 0.0, 0.5);
      std::vector<double> cur = Sample(rng, n_cur, 0.3, 0.5);
      std::shuffle(ref.begin(), ref.end(), rng);
      std::shuffle(cur.begin(), cur.end(), rng);
      const SturgesBinning unsorted = BinSturgesUnsorted(ref, cur);
      std::sort(ref.begin(), ref.end());
      std::sort(cur.begin(), cur.end());
      const SturgesBinning expected = BinSturges(ref, cur);
      EXPECT_EQ(unsorted.edges, expected.edges) << n_ref << " " << n_cur;
      EXPECT_EQ(unsorted.ref_counts, expected.ref_counts) << n_ref << " " << n_cur;
      EXPECT_EQ(unsorted.cur_counts, expected.cur_counts) << n_ref << " " << n_cur;
    }
  }
}

TEST(PooledRangeTest, FindsTheExtremesOfBothSamplesWhereverTheyAre) {
  std::vector<double> a = {3, 1, 4, 1, 5, 9, 2};
  std::vector<double> b = {6, -5, 3};
  ValueRange range = PooledRange(a, b);
  EXPECT_EQ(range.min, -5.0);
  EXPECT_EQ(range.max, 9.0);
  range = PooledRange(std::vector<double>{7.0}, std::vector<double>{});
  EXPECT_EQ(range.min, 7.0);
  EXPECT_EQ(range.max, 7.0);
  std::vector<double> many(1001, 0.5);
  many[1000] = -2.0;  // in the tail after the four-lane part
  many[3] = 8.0;      // in the last lane
  range = PooledRange(many, many);
  EXPECT_EQ(range.min, -2.0);
  EXPECT_EQ(range.max, 8.0);
}

TEST(BinSturgesUnsortedTest, ConstantDataGetsNumpysUnitWideBin) {
  const std::vector<double> ref(300, 2.5);
  const std::vector<double> cur(200, 2.5);
  const SturgesBinning bins = BinSturgesUnsorted(ref, cur);
  EXPECT_EQ(bins.edges.front(), 2.0);
  EXPECT_EQ(bins.edges.back(), 3.0);
  int64_t ref_total = 0;
  for (int64_t c : bins.ref_counts) ref_total += c;
  EXPECT_EQ(ref_total, 300);
  EXPECT_EQ(bins.ref_counts, BinSturges(ref, cur).ref_counts);
}

}  // namespace
}  // namespace vakt::diagnose
