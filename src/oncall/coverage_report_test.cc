#include "oncall/coverage_report.h"

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "support/test_time.h"

namespace vakt::oncall {
namespace {

using test_support::At;

Schedule MakeSchedule(const char* id, std::vector<std::string> users, const char* virtual_start,
                      std::chrono::seconds turn, std::vector<Restriction> restrictions = {}) {
  Schedule schedule;
  schedule.id = id;
  schedule.time_zone = FindZone("UTC").value();
  Layer layer;
  layer.users = std::move(users);
  layer.rotation_virtual_start = ParseLocalDateTime(virtual_start).value();
  layer.turn_length = turn;
  layer.restrictions = std::move(restrictions);
  schedule.layers.push_back(layer);
  return schedule;
}

TEST(CoverageReportTest, FindsGapsHoursAndOverload) {
  // Business hours only (09:00-17:00 daily) => 16 h gaps per day; ada and bo alternate weekly.
  const Schedule business =
      MakeSchedule("business", {"ada", "bo"}, "2026-03-02T00:00", std::chrono::hours{24 * 7},
                   {{Restriction::Kind::kDaily, 0, std::chrono::hours{9}, std::chrono::hours{8}}});
  // A 24/7 schedule where ada is on call alone.
  const Schedule always =
      MakeSchedule("always", {"ada"}, "2026-03-02T00:00", std::chrono::hours{24});
  CoverageOptions options;
  options.max_hours_per_week = 100;
  options.min_rest_ms = 8 * 3'600'000;
  const CoverageReport report = BuildCoverageReport(
      {&business, &always}, At("2026-03-02T00:00:00Z"), At("2026-03-16T00:00:00Z"), options);
  // business: 14 days x 2 gaps (00-09, 17-24), adjacent ones merge across midnight => 15 gaps.
  int business_gaps = 0;
  for (const Gap& gap : report.gaps) business_gaps += gap.schedule == "business" ? 1 : 0;
  EXPECT_EQ(business_gaps, 15);
  EXPECT_EQ(report.gaps.size(), 15u);  // "always" has none
  EXPECT_DOUBLE_EQ(report.hours_by_user.at("ada"), 14 * 24 + 7 * 8);
  EXPECT_DOUBLE_EQ(report.hours_by_user.at("bo"), 7 * 8);
  // ada: week 1 = 168 + 56 h > 100; week 2 = 168 h > 100. bo: 56 h, fine.
  int too_many = 0;
  for (const Overload& finding : report.overloads) {
    if (finding.kind == Overload::Kind::kTooManyHours) {
      ++too_many;
      EXPECT_EQ(finding.user, "ada");
    }
  }
  EXPECT_EQ(too_many, 2);
}

TEST(CoverageReportTest, BackToBackShiftsWithTooLittleRest) {
  // ada covers nights (00-08) in one schedule and, every other day, days (09-17) in another.
  const Schedule night =
      MakeSchedule("night", {"ada"}, "2026-03-02T00:00", std::chrono::hours{24},
                   {{Restriction::Kind::kDaily, 0, std::chrono::hours{0}, std::chrono::hours{8}}});
  const Schedule day =
      MakeSchedule("day", {"ada", "bo"}, "2026-03-02T00:00", std::chrono::hours{24},
                   {{Restriction::Kind::kDaily, 0, std::chrono::hours{9}, std::chrono::hours{8}}});
  CoverageOptions options;
  options.min_rest_ms = 2 * 3'600'000;  // the 7 h rest 17:00 -> 00:00 is acceptable here
  const CoverageReport report = BuildCoverageReport({&night, &day}, At("2026-03-02T00:00:00Z"),
                                                    At("2026-03-04T00:00:00Z"), options);
  std::vector<std::string> findings;
  for (const Overload& finding : report.overloads) {
    ASSERT_EQ(finding.kind, Overload::Kind::kBackToBack);
    findings.push_back(finding.user + " " + FormatRfc3339(finding.start) + " " +
                       std::to_string(finding.hours));
  }
  // Day 1 (turn 0): ada night 00-08, ada day 09-17 -> 1 h rest. Day 2: bo has the day.
  EXPECT_EQ(findings, std::vector<std::string>{"ada 2026-03-02T08:00:00.000Z 1.000000"});
}

}  // namespace
}  // namespace vakt::oncall
