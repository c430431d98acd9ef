#include "diagnose/sort.h"

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
}  // namespace vakt::diagnose
