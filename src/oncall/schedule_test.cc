#include "oncall/schedule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time_format.h"
#include "oncall/directory.h"
#include "support/test_time.h"

namespace vakt::oncall {
namespace {

using test_support::At;

const date::time_zone* Zone(const char* name) { return FindZone(name).value(); }

Layer DailyLayer(const char* virtual_start, std::vector<std::string> users) {
  Layer layer;
  layer.users = std::move(users);
  layer.rotation_virtual_start = ParseLocalDateTime(virtual_start).value();
  layer.turn_length = std::chrono::hours{24};
  return layer;
}

std::string Render(const std::vector<Shift>& shifts) {
  std::string out;
  for (const Shift& shift : shifts) {
    out += shift.user + " " + FormatRfc3339(shift.start) + ".." + FormatRfc3339(shift.end) + "\n";
  }
  return out;
}

// Handoffs on and around the DST transitions of 2026: Europe/Oslo changes on the last Sundays
// of March (29th) and October (25th); America/New_York on 8 March and 1 November.
struct HandoffCase {
  const char* zone;
  const char* virtual_start;  // daily rotation anchor, local
  long long turn;
  const char* want_utc;
  const char* why;
};

TEST(ScheduleTest, DailyHandoffsAcrossDstTransitions) {
  const HandoffCase cases[] = {
      {"Europe/Oslo", "2026-03-01T09:00", 27, "2026-03-28T08:00:00.000Z", "Sat 09:00 CET"},
      {"Europe/Oslo", "2026-03-01T09:00", 28, "2026-03-29T07:00:00.000Z", "Sun 09:00 CEST"},
      {"Europe/Oslo", "2026-03-01T09:00", 29, "2026-03-30T07:00:00.000Z", "Mon 09:00 CEST"},
      {"Europe/Oslo", "2026-03-01T09:00", 237, "2026-10-24T07:00:00.000Z", "Sat 09:00 CEST"},
      {"Europe/Oslo", "2026-03-01T09:00", 238, "2026-10-25T08:00:00.000Z", "Sun 09:00 CET"},
      {"America/New_York", "2026-03-01T09:00", 6, "2026-03-07T14:00:00.000Z", "Sat 09:00 EST"},
      {"America/New_York", "2026-03-01T09:00", 7, "2026-03-08T13:00:00.000Z", "Sun 09:00 EDT"},
      {"America/New_York", "2026-03-01T09:00", 244, "2026-10-31T13:00:00.000Z", "Sat 09:00 EDT"},
      {"America/New_York", "2026-03-01T09:00", 245, "2026-11-01T14:00:00.000Z", "Sun 09:00 EST"},
      // 02:30 does not exist on spring-forward day: the handoff happens at the transition
      // instant (03:00 new local time), see zoned_time.h.
      {"Europe/Oslo", "2026-03-01T02:30", 27, "2026-03-28T01:30:00.000Z", "Sat 02:30 CET"},
      {"Europe/Oslo", "2026-03-01T02:30", 28, "2026-03-29T01:00:00.000Z",
       "Sun 02:30 -> 03:00 CEST"},
      {"Europe/Oslo", "2026-03-01T02:30", 29, "2026-03-30T00:30:00.000Z", "Mon 02:30 CEST"},
      {"America/New_York", "2026-03-01T02:30", 7, "2026-03-08T07:00:00.000Z",
       "Sun 02:30 -> 03:00 EDT"},
      // 02:30 happens twice on fall-back day in Oslo (01:30 twice in New York): the first one.
      {"Europe/Oslo", "2026-03-01T02:30", 238, "2026-10-25T00:30:00.000Z", "first 02:30 (CEST)"},
      {"Europe/Oslo", "2026-03-01T02:30", 239, "2026-10-26T01:30:00.000Z", "Mon 02:30 CET"},
      {"America/New_York", "2026-03-01T01:30", 245, "2026-11-01T05:30:00.000Z",
       "first 01:30 (EDT)"},
  };
  for (const HandoffCase& test_case : cases) {
    const Layer layer = DailyLayer(test_case.virtual_start, {"a"});
    EXPECT_EQ(FormatRfc3339(LayerHandoffForTest(layer, Zone(test_case.zone), test_case.turn)),
              test_case.want_utc)
        << test_case.zone << " " << test_case.virtual_start << " turn " << test_case.turn << " ("
        << test_case.why << ")";
  }
}

Schedule OneLayerSchedule(const char* zone, Layer layer) {
  Schedule schedule;
  schedule.id = "s";
  schedule.time_zone = Zone(zone);
  schedule.layers.push_back(std::move(layer));
  return schedule;
}

TEST(ScheduleTest, DailyNineOClockRotationKeepsLocalTimeAcrossSpringForward) {
  const Schedule schedule =
      OneLayerSchedule("Europe/Oslo", DailyLayer("2026-03-01T09:00", {"ada", "bo", "cy"}));
  // 28 March is turn 27 (ada), 29 March turn 28 (bo), 30 March turn 29 (cy).
  EXPECT_EQ(Render(FinalSchedule(schedule, At("2026-03-28T12:00:00Z"), At("2026-03-30T12:00:00Z"))),
            "ada 2026-03-28T12:00:00.000Z..2026-03-29T07:00:00.000Z\n"
            "bo 2026-03-29T07:00:00.000Z..2026-03-30T07:00:00.000Z\n"
            "cy 2026-03-30T07:00:00.000Z..2026-03-30T12:00:00.000Z\n");
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-29T06:59:59.999Z")), std::vector<std::string>{"ada"});
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-29T07:00:00Z")), std::vector<std::string>{"bo"});
}

TEST(ScheduleTest, NewYorkFallBackShiftLastsTwentyFiveHours) {
  const Schedule schedule =
      OneLayerSchedule("America/New_York", DailyLayer("2026-03-01T09:00", {"ada", "bo"}));
  const std::vector<Shift> shifts =
      FinalSchedule(schedule, At("2026-10-31T13:00:00Z"), At("2026-11-01T14:00:00Z"));
  ASSERT_EQ(shifts.size(), 1u);
  EXPECT_EQ(shifts[0].end - shifts[0].start, 25 * 3'600'000);
}

TEST(ScheduleTest, WeeklyRotationWithCustomLengthAndNegativeTurns) {
  Layer layer = DailyLayer("2026-01-05T09:00", {"ada", "bo", "cy"});
  layer.turn_length = std::chrono::hours{12};
  const Schedule schedule = OneLayerSchedule("UTC", layer);
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-01-05T09:00:00Z")), std::vector<std::string>{"ada"});
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-01-05T21:00:00Z")), std::vector<std::string>{"bo"});
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-01-06T09:00:00Z")), std::vector<std::string>{"cy"});
  // Before the virtual start the rotation runs backwards: turn -1 is cy.
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-01-05T08:59:59Z")), std::vector<std::string>{"cy"});
}

TEST(ScheduleTest, LaterLayerWinsInsideItsRestrictionAndEarlierShowsThrough) {
  Layer base = DailyLayer("2026-03-02T09:00", {"night"});
  Layer business = DailyLayer("2026-03-02T09:00", {"day"});
  business.restrictions.push_back({Restriction::Kind::kWeekly, 0, std::chrono::hours{9},
                                   std::chrono::hours{24 * 4 + 8}});  // Mon 09:00 - Fri 17:00
  Schedule schedule = OneLayerSchedule("Europe/Oslo", base);
  schedule.layers.push_back(business);
  // 2026-03-02 is a Monday; Oslo is UTC+1 in early March.
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-02T07:59:00Z")), std::vector<std::string>{"night"});
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-02T08:00:00Z")), std::vector<std::string>{"day"});
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-04T03:00:00Z")), std::vector<std::string>{"day"});
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-06T16:00:00Z")), std::vector<std::string>{"night"});
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-07T12:00:00Z")), std::vector<std::string>{"night"});
}

TEST(ScheduleTest, DailyRestrictionLeavesGapsWhenOnlyLayer) {
  Layer layer = DailyLayer("2026-03-02T00:00", {"ada"});
  layer.restrictions.push_back(
      {Restriction::Kind::kDaily, 0, std::chrono::hours{8}, std::chrono::hours{10}});
  const Schedule schedule = OneLayerSchedule("America/New_York", layer);
  // 08:00-18:00 local, before and after the 8 March change.
  EXPECT_EQ(Render(FinalSchedule(schedule, At("2026-03-07T00:00:00Z"), At("2026-03-09T00:00:00Z"))),
            "ada 2026-03-07T13:00:00.000Z..2026-03-07T23:00:00.000Z\n"
            "ada 2026-03-08T12:00:00.000Z..2026-03-08T22:00:00.000Z\n");
  EXPECT_TRUE(WhoIsOnCall(schedule, At("2026-03-08T11:59:59Z")).empty());
}

TEST(ScheduleTest, OverrideReplacesLayersAndOverlappingOverridesStack) {
  Schedule schedule = OneLayerSchedule("UTC", DailyLayer("2026-03-02T09:00", {"ada"}));
  schedule.overrides.push_back({"bo", At("2026-03-02T10:00:00Z"), At("2026-03-02T12:00:00Z")});
  schedule.overrides.push_back({"cy", At("2026-03-02T11:00:00Z"), At("2026-03-02T13:00:00Z")});
  EXPECT_EQ(Render(FinalSchedule(schedule, At("2026-03-02T09:00:00Z"), At("2026-03-02T14:00:00Z"))),
            "ada 2026-03-02T09:00:00.000Z..2026-03-02T10:00:00.000Z\n"
            "bo 2026-03-02T10:00:00.000Z..2026-03-02T12:00:00.000Z\n"
            "cy 2026-03-02T11:00:00.000Z..2026-03-02T13:00:00.000Z\n"
            "ada 2026-03-02T13:00:00.000Z..2026-03-02T14:00:00.000Z\n");
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-02T11:30:00Z")),
            (std::vector<std::string>{"bo", "cy"}));
}

TEST(ScheduleTest, UsersPerTurnPutsSeveralPeopleOnCall) {
  Layer layer = DailyLayer("2026-03-02T09:00", {"ada", "bo", "cy", "di"});
  layer.users_per_turn = 2;
  const Schedule schedule = OneLayerSchedule("UTC", layer);
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-02T10:00:00Z")),
            (std::vector<std::string>{"ada", "bo"}));
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-03T10:00:00Z")),
            (std::vector<std::string>{"cy", "di"}));
  EXPECT_EQ(WhoIsOnCall(schedule, At("2026-03-04T10:00:00Z")),
            (std::vector<std::string>{"ada", "bo"}));
}

TEST(ScheduleTest, LayerStartAndEndBoundItsEffect) {
  Layer layer = DailyLayer("2026-03-02T09:00", {"ada"});
  layer.start = At("2026-03-03T00:00:00Z");
  layer.end = At("2026-03-04T00:00:00Z");
  const Schedule schedule = OneLayerSchedule("UTC", layer);
  EXPECT_EQ(Render(FinalSchedule(schedule, At("2026-03-02T00:00:00Z"), At("2026-03-05T00:00:00Z"))),
            "ada 2026-03-03T00:00:00.000Z..2026-03-04T00:00:00.000Z\n");
}

TEST(ScheduleTest, FollowTheSunLayersUseTheirOwnZones) {
  // Oslo covers 08:00-20:00 Oslo time, New York covers 08:00-20:00 New York time on top of it;
  // between 8 and 29 March (US on DST, Europe not) the handover moves in UTC for New York only.
  Layer oslo = DailyLayer("2026-03-02T08:00", {"oslo"});
  oslo.restrictions.push_back(
      {Restriction::Kind::kDaily, 0, std::chrono::hours{8}, std::chrono::hours{12}});
  Layer new_york = DailyLayer("2026-03-02T08:00", {"nyc"});
  new_york.time_zone = Zone("America/New_York");
  new_york.restrictions.push_back(
      {Restriction::Kind::kDaily, 0, std::chrono::hours{8}, std::chrono::hours{12}});
  Schedule schedule = OneLayerSchedule("Europe/Oslo", oslo);
  schedule.layers.push_back(new_york);
  // 10 March: New York is EDT (UTC-4), Oslo CET (UTC+1). NY 08:00 = 12:00Z.
  EXPECT_EQ(Render(FinalSchedule(schedule, At("2026-03-10T00:00:00Z"), At("2026-03-11T00:00:00Z"))),
            "oslo 2026-03-10T07:00:00.000Z..2026-03-10T12:00:00.000Z\n"
            "nyc 2026-03-10T12:00:00.000Z..2026-03-11T00:00:00.000Z\n");
}

}  // namespace
}  // namespace vakt::oncall
