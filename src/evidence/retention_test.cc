#include "evidence/retention.h"

#include <gtest/gtest.h>

namespace vakt::evidence {
namespace {

constexpr TimeMs kT0 = 1'700'000'000'000;

TEST(RetentionTest, ExpiredUnheldBlobIsPurged) {
  auto decision =
      DecidePurge({{"INC-1", kT0, "transient"}}, {}, DefaultRetentionClasses(), kT0 + 31 * kDay);
  EXPECT_TRUE(decision.purge) << decision.reason;
}

TEST(RetentionTest, LegalHoldKeepsEvenLongExpiredEvidence) {
  auto decision = DecidePurge({{"INC-1", kT0, "transient"}}, {"INC-1"}, DefaultRetentionClasses(),
                              kT0 + 10'000 * kDay);
  EXPECT_FALSE(decision.purge);
  EXPECT_EQ(decision.reason, "legal hold on INC-1");
}

// A blob shared by two incidents goes only when both captures may go.
TEST(RetentionTest, SharedBlobWaitsForTheLongestRetentionAndAnyHold) {
  const std::vector<CaptureRetention> captures = {{"INC-1", kT0, "transient"},
                                                  {"INC-2", kT0, "standard"}};
  auto early = DecidePurge(captures, {}, DefaultRetentionClasses(), kT0 + 31 * kDay);
  EXPECT_FALSE(early.purge);
  EXPECT_NE(early.reason.find("standard retention on INC-2"), std::string::npos) << early.reason;
  EXPECT_TRUE(DecidePurge(captures, {}, DefaultRetentionClasses(), kT0 + 401 * kDay).purge);
  EXPECT_FALSE(DecidePurge(captures, {"INC-2"}, DefaultRetentionClasses(), kT0 + 401 * kDay).purge);
}

TEST(RetentionTest, UnknownClassOrNoCaptureNeverPurges) {
  EXPECT_FALSE(DecidePurge({{"INC-1", kT0, "gone-class"}}, {}, DefaultRetentionClasses(),
                           kT0 + 10'000 * kDay)
                   .purge);
  EXPECT_FALSE(DecidePurge({}, {}, DefaultRetentionClasses(), kT0).purge);
}

TEST(RetentionTest, ClassesAreValidated) {
  EXPECT_TRUE(ValidateRetentionClasses(DefaultRetentionClasses()).ok());
  EXPECT_FALSE(ValidateRetentionClasses({}).ok());
  EXPECT_FALSE(ValidateRetentionClasses({{"transient", kDay}}).ok());  // no standard
  EXPECT_FALSE(ValidateRetentionClasses({{"standard", 0}}).ok());
  EXPECT_FALSE(ValidateRetentionClasses({{"standard", kDay}, {"Bad Name", kDay}}).ok());
}

}  // namespace
}  // namespace vakt::evidence
