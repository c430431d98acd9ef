#include "compliance/deadline_warnings.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace vakt::compliance {
namespace {

constexpr TimeMs kOneHour = 3600 * 1000;
const TimeMs kAware = *ParseRfc3339("2026-10-24T22:00:00Z");

Deadline Nis2EarlyWarning() {
  Deadline deadline;
  deadline.regime = Regime::kNis2;
  deadline.report = ReportKind::kNis2EarlyWarning;
  deadline.due_at = kAware + 24 * kOneHour;
  return deadline;
}

TEST(DeadlineWarningsTest, NothingBeforeTheFirstThreshold) {
  EXPECT_TRUE(
      DueWarnings("INC-7", kAware, {Nis2EarlyWarning()}, {}, kAware + 11 * kOneHour).empty());
}

TEST(DeadlineWarningsTest, OnlyTheMostAdvancedThresholdPassedIsReturned) {
  WarningPolicy policy;
  policy.lead_times = {2 * kOneHour};
  auto at_half = DueWarnings("INC-7", kAware, {Nis2EarlyWarning()}, policy, kAware + 12 * kOneHour);
  ASSERT_EQ(at_half.size(), 1u);
  EXPECT_EQ(at_half[0].threshold, "50%");
  EXPECT_EQ(at_half[0].threshold_at, kAware + 12 * kOneHour);
  // 90% is at 21.6 h, the 2 h lead at 22 h: the lead is the later threshold.
  auto late = DueWarnings("INC-7", kAware, {Nis2EarlyWarning()}, policy, kAware + 23 * kOneHour);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].threshold, "lead 2h");
  EXPECT_NE(late[0].key, at_half[0].key);
  auto overdue = DueWarnings("INC-7", kAware, {Nis2EarlyWarning()}, policy, kAware + 25 * kOneHour);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].threshold, "overdue");
  EXPECT_NE(overdue[0].subject.find("OVERDUE"), std::string::npos);
}

TEST(DeadlineWarningsTest, SubmittedDeadlinesAreNeverWarnedAbout) {
  Deadline deadline = Nis2EarlyWarning();
  deadline.status = DeadlineStatus::kSubmitted;
  EXPECT_TRUE(DueWarnings("INC-7", kAware, {deadline}, {}, kAware + 30 * kOneHour).empty());
}

TEST(DeadlineWarningsTest, KeyChangesWhenTheDueTimeMoves) {
  Deadline moved = Nis2EarlyWarning();
  moved.due_at -= kOneHour;
  auto first = DueWarnings("INC-7", kAware, {Nis2EarlyWarning()}, {}, kAware + 13 * kOneHour);
  auto second = DueWarnings("INC-7", kAware - kOneHour, {moved}, {}, kAware + 13 * kOneHour);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].threshold, second[0].threshold);
  EXPECT_NE(first[0].key, second[0].key);
}

TEST(DeadlineWarningsTest, LeadLongerThanTheWindowIsIgnored) {
  WarningPolicy policy;
  policy.percent_elapsed = {};
  policy.lead_times = {48 * kOneHour};
  policy.overdue = false;
  EXPECT_TRUE(
      DueWarnings("INC-7", kAware, {Nis2EarlyWarning()}, policy, kAware + 23 * kOneHour).empty());
}

TEST(DeadlineWarningsTest, PolicyIsValidated) {
  WarningPolicy policy;
  policy.percent_elapsed = {0};
  EXPECT_EQ(ValidateWarningPolicy(policy).code(), StatusCode::kInvalidArgument);
  policy.percent_elapsed = {100};
  EXPECT_EQ(ValidateWarningPolicy(policy).code(), StatusCode::kInvalidArgument);
  policy.percent_elapsed = {50};
  policy.lead_times = {0};
  EXPECT_EQ(ValidateWarningPolicy(policy).code(), StatusCode::kInvalidArgument);
  policy.lead_times = {kOneHour};
  EXPECT_TRUE(ValidateWarningPolicy(policy).ok());
}

}  // namespace
}  // namespace vakt::compliance
