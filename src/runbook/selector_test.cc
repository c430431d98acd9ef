#include "runbook/selector.h"

#include <gtest/gtest.h>

namespace vakt::runbook {
namespace {

TEST(SelectorTest, AlertmanagerSemanticsTable) {
  struct Case {
    const char* text;
    const char* value;  // nullptr = label missing
    bool matches;
  };
  const Case cases[] = {
      {"fraud", "fraud", true},
      {"fraud", "fraud-2", false},
      {"fraud", nullptr, false},
      {"", nullptr, true},  // equality with "" matches a missing label
      {"!fraud", "credit", true},
      {"!fraud", "fraud", false},
      {"!fraud", nullptr, true},
      {"~Feature.*", "FeatureDrift", true},
      {"~Feature", "FeatureDrift", false},  // fully anchored
      {"~Drift", "FeatureDrift", false},
      {"~a|b", "a", true},
      {"~a|b", "ab", false},  // ^(?:a|b)$, not ^a|b$
      {"~.*", nullptr, true},
      {"~.+", nullptr, false},
      {"!~debug|trace", "trace", false},
      {"!~debug|trace", "critical", true},
      {"!~debug|trace", nullptr, true},
      {"=!important", "!important", true},
      {"=~tilde", "~tilde", true},
  };
  for (const Case& c : cases) {
    Result<Selector> selector = Selector::Parse("l", c.text);
    ASSERT_TRUE(selector.ok()) << c.text;
    LabelSet labels;
    if (c.value != nullptr) labels["l"] = c.value;
    EXPECT_EQ(selector->Matches(labels), c.matches)
        << c.text << " vs " << (c.value ? c.value : "<missing>");
  }
}

TEST(SelectorTest, InvalidRegexNamesTheProblem) {
  Result<Selector> selector = Selector::Parse("alertname", "~Feature(Drift");
  ASSERT_FALSE(selector.ok());
  EXPECT_EQ(selector.status().message(),
            "regex \"Feature(Drift\" does not compile: missing ): Feature(Drift");
}

TEST(SelectorTest, LiteralAlternativesAreIndexableValues) {
  struct Case {
    const char* text;
    std::vector<std::string> literals;
  };
  const Case cases[] = {
      {"fraud", {"fraud"}},
      {"", {}},
      {"~FeatureDrift|PredictionDrift", {"FeatureDrift", "PredictionDrift"}},
      {"~b|a|b", {"a", "b"}},
      {"~a|", {}},
      {"~Feature.*", {}},
      {"!x", {}},
      {"!~x", {}},
  };
  for (const Case& c : cases) {
    Result<Selector> selector = Selector::Parse("l", c.text);
    ASSERT_TRUE(selector.ok());
    EXPECT_EQ(selector->literal_alternatives(), c.literals) << c.text;
  }
}

}  // namespace
}  // namespace vakt::runbook
