#include "compliance/regulatory_clock.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/time_format.h"
#include "support/test_time.h"

namespace vakt::compliance {
namespace {

constexpr TimeMs kHour = 3600LL * 1000;

using test_support::At;

// C and S build classifications and submissions without spelling out every field.
Classification C(Regime regime, TimeMs at, bool widespread = false, bool critical = false,
                 bool death = false) {
  return {regime, at, widespread, critical, death, "user:test", "test"};
}
Submission S(Regime regime, ReportKind report, TimeMs at) {
  return {regime, report, at, "authority", std::string(64, '0')};
}

// Render shows deadlines one per line: "report due_at status [provisional] [late]".
std::string Render(const std::vector<Deadline>& deadlines) {
  std::ostringstream out;
  for (const auto& d : deadlines) {
    out << ReportKindName(d.report) << " " << FormatRfc3339(d.due_at) << " "
        << DeadlineStatusName(d.status) << (d.provisional ? " provisional" : "")
        << (d.submitted_late ? " late" : "") << "\n";
  }
  return out.str();
}

std::string Compute(const ClockInput& input, const char* now, const char* zone) {
  auto deadlines = ComputeDeadlines(input, At(now), {zone, 24 * kHour});
  EXPECT_TRUE(deadlines.ok()) << deadlines.status().ToString();
  return deadlines.ok() ? Render(*deadlines) : "";
}

TEST(RegulatoryClockTest, AiActPeriodsByFlagAcrossDst) {
  struct Case {
    const char* name;
    Classification classification;
    const char* want;
  };
  const TimeMs aware = At("2026-03-20T09:30:00+01:00");  // Oslo, before spring forward
  const Case cases[] = {
      {"15 days", C(Regime::kEuAiAct, aware), "2026-04-04T07:30:00.000Z"},
      {"death 10 days", C(Regime::kEuAiAct, aware, false, false, true), "2026-03-30T07:30:00.000Z"},
      {"widespread 2 days", C(Regime::kEuAiAct, aware, true), "2026-03-22T08:30:00.000Z"},
      {"critical infrastructure and death: 2 days wins",
       C(Regime::kEuAiAct, aware, false, true, true), "2026-03-22T08:30:00.000Z"},
  };
  for (const auto& c : cases) {
    ClockInput input{aware, {c.classification}, {}};
    auto deadlines = ComputeDeadlines(input, aware, {"Europe/Oslo", 24 * kHour});
    ASSERT_TRUE(deadlines.ok());
    ASSERT_EQ(deadlines->size(), 1u) << c.name;
    EXPECT_EQ(FormatRfc3339(deadlines->front().due_at), c.want) << c.name;
  }
}

TEST(RegulatoryClockTest, Nis2HoursAreElapsedAndFinalIsOneCalendarMonthAfterNotification) {
  // Aware 2026-10-24 20:00 Oslo (CEST); the 72 h window spans the fall-back night.
  ClockInput input{
      At("2026-10-24T20:00:00+02:00"), {C(Regime::kNis2, At("2026-10-24T21:00:00+02:00"))}, {}};
  EXPECT_EQ(Compute(input, "2026-10-24T21:00:00+02:00", "Europe/Oslo"),
            "nis2_early_warning 2026-10-25T18:00:00.000Z due_soon\n"
            "nis2_incident_notification 2026-10-27T18:00:00.000Z pending\n"
            "nis2_final_report 2026-11-27T18:00:00.000Z pending provisional\n");
  // Notification submitted on Jan 31 local: the final report is due Feb 28 local.
  input = {At("2026-01-29T10:00:00+01:00"),
           {C(Regime::kNis2, At("2026-01-29T10:00:00+01:00"))},
           {S(Regime::kNis2, ReportKind::kNis2EarlyWarning, At("2026-01-30T11:00:00+01:00")),
            S(Regime::kNis2, ReportKind::kNis2Notification, At("2026-01-31T09:00:00+01:00"))}};
  EXPECT_EQ(Compute(input, "2026-03-01T00:00:00+01:00", "Europe/Oslo"),
            "nis2_early_warning 2026-01-30T09:00:00.000Z submitted late\n"
            "nis2_incident_notification 2026-02-01T09:00:00.000Z submitted\n"
            "nis2_final_report 2026-02-28T08:00:00.000Z overdue\n");
}

TEST(RegulatoryClockTest, DoraInitialIsFourHoursFromClassificationCappedAt24hFromAwareness) {
  struct Case {
    const char* name;
    const char* classified;
    const char* want_initial;
  };
  const Case cases[] = {
      {"early classification: 4 h rule", "2026-03-08T01:00:00-05:00", "2026-03-08T10:00:00.000Z"},
      {"late classification: 24 h cap", "2026-03-08T22:30:00-04:00", "2026-03-09T02:00:00.000Z"},
  };
  for (const auto& c : cases) {
    ClockInput input{At("2026-03-07T21:00:00-05:00"), {C(Regime::kDora, At(c.classified))}, {}};
    auto deadlines =
        ComputeDeadlines(input, At("2026-03-07T21:00:00-05:00"), {"America/New_York", 24 * kHour});
    ASSERT_TRUE(deadlines.ok());
    ASSERT_EQ(deadlines->size(), 3u);
    EXPECT_EQ(FormatRfc3339((*deadlines)[0].due_at), c.want_initial) << c.name;
  }
}

TEST(RegulatoryClockTest, DoraChainFollowsActualSubmissionsAndClampsMonthEnd) {
  ClockInput input{
      At("2026-10-27T08:00:00-04:00"),
      {C(Regime::kDora, At("2026-10-27T09:00:00-04:00"))},
      {S(Regime::kDora, ReportKind::kDoraInitial, At("2026-10-27T12:00:00-04:00")),
       S(Regime::kDora, ReportKind::kDoraIntermediate, At("2026-10-29T10:00:00-04:00")),
       // A later updated intermediate report moves the final deadline.
       S(Regime::kDora, ReportKind::kDoraIntermediate, At("2026-10-31T10:00:00-04:00"))}};
  EXPECT_EQ(Compute(input, "2026-11-20T00:00:00-05:00", "America/New_York"),
            "dora_initial_notification 2026-10-27T17:00:00.000Z submitted\n"
            "dora_intermediate_report 2026-10-30T16:00:00.000Z submitted\n"
            "dora_final_report 2026-11-30T15:00:00.000Z pending\n");
  input.submissions.resize(1);
  EXPECT_EQ(Compute(input, "2026-10-30T10:00:00-04:00", "America/New_York"),
            "dora_initial_notification 2026-10-27T17:00:00.000Z submitted\n"
            "dora_intermediate_report 2026-10-30T16:00:00.000Z due_soon\n"
            "dora_final_report 2026-11-30T17:00:00.000Z pending provisional\n");
}

TEST(RegulatoryClockTest, UnclassifiedIncidentHasNoDeadlinesAndRegimesStackInOrder) {
  EXPECT_EQ(Compute({At("2026-05-01T00:00:00Z"), {}, {}}, "2026-05-01T00:00:00Z", "UTC"), "");
  ClockInput input{At("2026-05-01T00:00:00Z"),
                   {C(Regime::kDora, At("2026-05-01T01:00:00Z")),
                    C(Regime::kEuAiAct, At("2026-05-01T02:00:00Z")),
                    C(Regime::kNis2, At("2026-05-01T03:00:00Z"))},
                   {}};
  auto deadlines = ComputeDeadlines(input, At("2026-05-20T00:00:00Z"));
  ASSERT_TRUE(deadlines.ok());
  ASSERT_EQ(deadlines->size(), 7u);
  EXPECT_EQ((*deadlines)[0].regime, Regime::kEuAiAct);
  EXPECT_EQ((*deadlines)[1].regime, Regime::kNis2);
  EXPECT_EQ((*deadlines)[4].regime, Regime::kDora);
  EXPECT_EQ((*deadlines)[0].status, DeadlineStatus::kOverdue);
  EXPECT_EQ(ComputeDeadlines(input, 0, {"No/Such_Zone", kHour}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseRegime("nis2"), Regime::kNis2);
  EXPECT_FALSE(ParseRegime("gdpr").ok());
}

}  // namespace
}  // namespace vakt::compliance
