#include "api/matcher.h"

#include <gtest/gtest.h>

namespace vakt::api {
namespace {

TEST(LabelMatcherTest, OperatorsFollowAlertmanagerSemantics) {
  LabelSet labels{{"alertname", "FeatureDrift"}, {"team", "ml-fraud"}};
  struct Case {
    const char* text;
    bool matches;
  };
  for (const Case& test_case : std::vector<Case>{
           {"alertname=\"FeatureDrift\"", true},
           {"alertname=FeatureDrift", true},
           {"alertname!=\"FeatureDrift\"", false},
           {"team=~\"ml-.*\"", true},
           {"team=~\"ml\"", false},  // fully anchored
           {"team!~\"ml-.*\"", false},
           {"missing=\"\"", true},  // a missing label is ""
           {"missing=~\".+\"", false},
       }) {
    auto matcher = LabelMatcher::Parse(test_case.text);
    ASSERT_TRUE(matcher.ok()) << test_case.text;
    EXPECT_EQ(matcher->Matches(labels), test_case.matches) << test_case.text;
  }
}

TEST(LabelMatcherTest, ListParsesBracesAndQuotedCommas) {
  auto matchers = LabelMatcher::ParseList("{alertname=\"A,B\", team=~\"x|y\"}");
  ASSERT_TRUE(matchers.ok());
  ASSERT_EQ(matchers->size(), 2u);
  EXPECT_TRUE((*matchers)[0].Matches({{"alertname", "A,B"}}));
}

TEST(LabelMatcherTest, BadRegexAndMissingOperatorAreErrors) {
  EXPECT_FALSE(LabelMatcher::Parse("a=~\"(\"").ok());
  EXPECT_FALSE(LabelMatcher::Parse("justaname").ok());
  EXPECT_FALSE(LabelMatcher::ParseList("{a=\"unterminated}").ok());
}

}  // namespace
}  // namespace vakt::api
