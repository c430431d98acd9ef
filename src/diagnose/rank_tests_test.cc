#include "diagnose/rank_tests.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vakt::diagnose {
namespace {

TEST(RankTestsTest, BesselKQuarterMatchesScipyKv) {
  // scipy.special.kv(0.25, x), scipy 1.10.1.
  struct Case { double x, expected; };
  for (const Case& c : std::vector<Case>{{0.0125, 5.758559264704958},
                                         {0.3, 1.4480426307073662},
                                         {1.0, 0.4307397744485814},
                                         {5.0, 0.0037123027320318403},
                                         {40.0, 8.399340675998916e-19},
                                         {300.0, 3.724082115730834e-132}}) {
    EXPECT_NEAR(c.expected, BesselK(0.25, c.x), 1e-12 * c.expected) << c.x;
  }
}

TEST(RankTestsTest, MannWhitneyExactMatchesHandCount) {
  // ref {1,2} vs cur {3,4}: U1 = 0, the most extreme of C(4,2) = 6 arrangements on each side.
  const std::vector<double> ref = {1, 2};
  const std::vector<double> cur = {3, 4};
  const MannWhitneyResult r = MannWhitney(ref, cur);
  EXPECT_EQ(0.0, r.u1);
  ASSERT_TRUE(r.pvalue_exact.has_value());
  EXPECT_DOUBLE_EQ(2.0 / 6.0, *r.pvalue_exact);
}

}  // namespace
}  // namespace vakt::diagnose
