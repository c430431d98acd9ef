#include "model/label_set.h"

#include <gtest/gtest.h>

namespace vakt {
namespace {

TEST(LabelSetTest, EmptyLabelSetHasFnvOffsetFingerprint) {
  EXPECT_EQ(FingerprintHex(Fingerprint({})), "cbf29ce484222325");
}

TEST(LabelSetTest, LabelValueOfMissingLabelIsEmpty) {
  LabelSet labels{{"alertname", "FeatureDrift"}};
  EXPECT_EQ(LabelValue(labels, "alertname"), "FeatureDrift");
  EXPECT_EQ(LabelValue(labels, "team"), "");
}

}  // namespace
}  // namespace vakt
