#include "incident/grouping.h"

#include <gtest/gtest.h>

namespace vakt::incident {
namespace {

TEST(GroupingTest, KeyUsesOnlyGroupByLabelsInNameOrder) {
  LabelSet labels{{"alertname", "FeatureDrift"}, {"pipeline", "fraud"}, {"instance", "a"}};
  LabelSet other = labels;
  other["instance"] = "b";
  EXPECT_EQ(GroupKey("rb", {"pipeline", "alertname"}, labels),
            "rb:{alertname=\"FeatureDrift\",pipeline=\"fraud\"}");
  EXPECT_EQ(GroupKey("rb", {"alertname", "pipeline"}, labels), GroupKey("rb", {"alertname", "pipeline"}, other));
  EXPECT_NE(GroupKey("rb", {"..."}, labels), GroupKey("rb", {"..."}, other));
}

TEST(GroupingTest, ValuesAreQuotedSoKeysCannotCollide) {
  LabelSet tricky{{"a", "x\",b=\"y"}};
  LabelSet plain{{"a", "x"}, {"b", "y"}};
  EXPECT_NE(GroupKey("rb", {"a", "b"}, tricky), GroupKey("rb", {"a", "b"}, plain));
}

TEST(GroupingTest, DifferentRunbooksNeverShareAGroup) {
  LabelSet labels{{"alertname", "A"}};
  EXPECT_NE(GroupKey("one", {"alertname"}, labels), GroupKey("two", {"alertname"}, labels));
}

}  // namespace
}  // namespace vakt::incident
