#include "diagnose/sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <random>

namespace vakt::diagnose {
namespace {

TEST(SortDoublesTest, MatchesStdSortOnMixedSignsAndExtremes) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1e3);
  std::vector<double> values;
  for (int i = 0; i < 5000; ++i) values.push_back(normal(rng));
  values.insert(values.end(), {0.0, -0.0, 1e-310, -1e-310, std::numeric_limits<double>::max(),
                               std::numeric_limits<double>::lowest(), 3.0, 3.0, -3.0});
  std::vector<double> expected = values;
  std::sort(expected.begin(), expected.end());
  SortDoubles(values);
  ASSERT_EQ(values.size(), expected.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(values[i], expected[i]) << i;
  EXPECT_TRUE(std::is_sorted(values.begin(), values.end()));
}

TEST(SortDoublesTest, SmallInputsUseTheSameOrder) {
  std::vector<double> values = {3, -1, 2, -7.5, 0};
  SortDoubles(values);
  EXPECT_EQ(values, (std::vector<double>{-7.5, -1, 0, 2, 3}));
}

TEST(SortDoublesTest, OneActiveRadixPassAndIdenticalValuesStaySorted) {
  // Only the lowest 11 key bits differ: a single radix pass does all the work.
  std::vector<double> values;
  for (uint64_t k = 0; k < 1500; ++k) {
    values.push_back(std::bit_cast<double>(std::bit_cast<uint64_t>(1.0) + (k * 7919) % 2048));
  }
  std::vector<double> expected = values;
  std::sort(expected.begin(), expected.end());
  SortDoubles(values);
  EXPECT_EQ(values, expected);
  std::vector<double> same(1000, -4.25);
  SortDoubles(same);
  EXPECT_EQ(same, std::vector<double>(1000, -4.25));
}

}  // namespace
}  // namespace vakt::diagnose
