#include "drill/recurrence.h"

#include <gtest/gtest.h>

namespace vakt::drill {
namespace {

using namespace std::chrono_literals;

// Unix ms of a UTC date and time.
TimeMs Utc(int year, unsigned month, unsigned day, int hour, int minute = 0) {
  auto at = date::sys_days{date::year{year} / month / day} + std::chrono::hours{hour} +
            std::chrono::minutes{minute};
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

Recurrence Parse(const nlohmann::json& body) {
  auto parsed = ParseRecurrence(body);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : Recurrence{};
}

TEST(RecurrenceTest, WeeklyLocalTimeKeepsItsWallClockAcrossOsloSpringForward) {
  // Sunday 10:00 Oslo: 09:00Z on winter time (CET), 08:00Z from 29 March 2026 (CEST).
  Recurrence sunday = Parse(
      {{"every", "weekly"}, {"weekday", "sunday"}, {"at", "10:00"}, {"time_zone", "Europe/Oslo"}});
  EXPECT_EQ(NextRunAfter(sunday, Utc(2026, 3, 20, 12)), Utc(2026, 3, 22, 9));
  EXPECT_EQ(NextRunAfter(sunday, Utc(2026, 3, 22, 9)), Utc(2026, 3, 29, 8));
}

TEST(RecurrenceTest, WeeklyLocalTimeKeepsItsWallClockAcrossOsloAutumnBack) {
  // Tuesday 10:00 Oslo: 08:00Z on summer time, 09:00Z after 25 October 2026.
  Recurrence tuesday = Parse(
      {{"every", "weekly"}, {"weekday", "tue"}, {"at", "10:00"}, {"time_zone", "Europe/Oslo"}});
  EXPECT_EQ(NextRunAfter(tuesday, Utc(2026, 10, 19, 0)), Utc(2026, 10, 20, 8));
  EXPECT_EQ(NextRunAfter(tuesday, Utc(2026, 10, 20, 8)), Utc(2026, 10, 27, 9));
}

TEST(RecurrenceTest, NonexistentLocalTimeOnSpringForwardFiresAtTheTransition) {
  // 02:30 does not exist in Oslo on 29 March 2026 (02:00 -> 03:00, at 01:00Z): it fires at the
  // jump, once, and on the next day at 02:30 CEST again.
  Recurrence daily = Parse({{"every", "daily"}, {"at", "02:30"}, {"time_zone", "Europe/Oslo"}});
  EXPECT_EQ(NextRunAfter(daily, Utc(2026, 3, 28, 1, 30)), Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(NextRunAfter(daily, Utc(2026, 3, 29, 1, 0)), Utc(2026, 3, 30, 0, 30));
}

TEST(RecurrenceTest, AmbiguousLocalTimeOnAutumnBackFiresOnceAtTheEarlierInstant) {
  // 02:30 happens twice in Oslo on 25 October 2026 (00:30Z on CEST, 01:30Z on CET): one drill,
  // at the first; the next is the following day's 02:30 CET.
  Recurrence daily = Parse({{"every", "daily"}, {"at", "02:30"}, {"time_zone", "Europe/Oslo"}});
  EXPECT_EQ(NextRunAfter(daily, Utc(2026, 10, 24, 12)), Utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(NextRunAfter(daily, Utc(2026, 10, 25, 0, 30)), Utc(2026, 10, 26, 1, 30));
}

TEST(RecurrenceTest, NextRunIsStrictlyAfterAndOnTheRightWeekday) {
  Recurrence friday = Parse({{"every", "weekly"},
                             {"weekday", "friday"},
                             {"at", "23:45"},
                             {"time_zone", "America/New_York"}});
  // Friday 2026-01-02 23:45 EST = Saturday 04:45Z.
  EXPECT_EQ(NextRunAfter(friday, Utc(2026, 1, 1, 0)), Utc(2026, 1, 3, 4, 45));
  EXPECT_EQ(NextRunAfter(friday, Utc(2026, 1, 3, 4, 45)), Utc(2026, 1, 10, 4, 45));
  EXPECT_EQ(NextRunAfter(friday, Utc(2026, 1, 3, 4, 44)), Utc(2026, 1, 3, 4, 45));
}

TEST(RecurrenceTest, BadInputNamesTheField) {
  struct Case {
    nlohmann::json body;
    std::string field;
  } cases[] = {
      {{{"at", "10:00"}, {"time_zone", "UTC"}}, "every"},
      {{{"every", "hourly"}, {"at", "10:00"}, {"time_zone", "UTC"}}, "every"},
      {{{"every", "weekly"}, {"at", "10:00"}, {"time_zone", "UTC"}}, "weekday"},
      {{{"every", "weekly"}, {"weekday", "someday"}, {"at", "10:00"}, {"time_zone", "UTC"}},
       "weekday"},
      {{{"every", "daily"}, {"weekday", "monday"}, {"at", "10:00"}, {"time_zone", "UTC"}},
       "weekday"},
      {{{"every", "daily"}, {"at", "25:00"}, {"time_zone", "UTC"}}, "at"},
      {{{"every", "daily"}, {"at", "10:00:30"}, {"time_zone", "UTC"}}, "at"},
      {{{"every", "daily"}, {"at", "10:00"}, {"time_zone", "Europe/Atlantis"}}, "time_zone"},
      {{{"every", "daily"}, {"at", "10:00"}, {"time_zone", 3}}, "time_zone"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseRecurrence(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body.dump();
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().rfind(c.field + ":", 0), 0u) << parsed.status().message();
  }
}

TEST(RecurrenceTest, StoredFormRoundTrips) {
  Recurrence weekly = Parse({{"every", "weekly"},
                             {"weekday", "Wednesday"},
                             {"at", "07:05"},
                             {"time_zone", "Asia/Tokyo"}});
  EXPECT_EQ(weekly.weekday, 3u);
  EXPECT_EQ(FormatTimeOfDay(weekly.time_of_day), "07:05");
  EXPECT_EQ(WeekdayName(weekly.weekday), "wednesday");
  auto loaded = LoadRecurrence("weekly", 3, "07:05", "Asia/Tokyo");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(NextRunAfter(*loaded, Utc(2026, 5, 1, 0)), NextRunAfter(weekly, Utc(2026, 5, 1, 0)));
  EXPECT_EQ(LoadRecurrence("weekly", 3, "07:05", "Nowhere/City").status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace vakt::drill
