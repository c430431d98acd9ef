#include "compliance/calendar.h"

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "support/test_time.h"

namespace vakt::compliance {
namespace {

using test_support::At;

struct ShiftCase {
  const char* name;
  const char* zone;
  const char* start;
  int days;
  int months;
  const char* want;  // written with the local offset in force at the result
};

TEST(CalendarTest, DaysAndMonthsKeepLocalWallClockAcrossDstAndMonthEnds) {
  const ShiftCase cases[] = {
      // Europe/Oslo: CET -> CEST on 2026-03-29 02:00, CEST -> CET on 2026-10-25 03:00.
      {"oslo spring forward day is 23h", "Europe/Oslo", "2026-03-28T10:00:00+01:00", 1, 0,
       "2026-03-29T10:00:00+02:00"},
      {"oslo fall back day is 25h", "Europe/Oslo", "2026-10-24T10:00:00+02:00", 1, 0,
       "2026-10-25T10:00:00+01:00"},
      {"oslo 15 days over spring forward", "Europe/Oslo", "2026-03-20T09:30:00+01:00", 15, 0,
       "2026-04-04T09:30:00+02:00"},
      {"oslo 2 days into DST gap moves past it", "Europe/Oslo", "2026-03-27T02:30:00+01:00", 2, 0,
       "2026-03-29T03:30:00+02:00"},
      {"oslo ambiguous hour takes the earlier instant", "Europe/Oslo", "2026-10-24T02:30:00+02:00",
       1, 0, "2026-10-25T02:30:00+02:00"},
      // America/New_York: EST -> EDT on 2026-03-08 02:00, EDT -> EST on 2026-11-01 02:00.
      {"new york spring forward", "America/New_York", "2026-03-07T08:00:00-05:00", 1, 0,
       "2026-03-08T08:00:00-04:00"},
      {"new york fall back 10 days", "America/New_York", "2026-10-25T23:00:00-04:00", 10, 0,
       "2026-11-04T23:00:00-05:00"},
      {"new york month into DST gap", "America/New_York", "2026-02-08T02:30:00-05:00", 0, 1,
       "2026-03-08T03:30:00-04:00"},
      {"new york ambiguous 01:30 earlier instant", "America/New_York", "2026-10-01T01:30:00-04:00",
       0, 1, "2026-11-01T01:30:00-04:00"},
      // Month ends.
      {"jan 31 + 1 month = feb 28", "Europe/Oslo", "2026-01-31T12:00:00+01:00", 0, 1,
       "2026-02-28T12:00:00+01:00"},
      {"jan 31 + 1 month = feb 29 in leap year", "Europe/Oslo", "2028-01-31T12:00:00+01:00", 0, 1,
       "2028-02-29T12:00:00+01:00"},
      {"mar 31 + 1 month = apr 30 and DST", "Europe/Oslo", "2026-03-31T23:30:00+02:00", 0, 1,
       "2026-04-30T23:30:00+02:00"},
      {"local date not UTC date decides the month", "Europe/Oslo", "2026-01-31T00:30:00+01:00", 0,
       1, "2026-02-28T00:30:00+01:00"},
      {"dec 31 + 1 month crosses the year", "UTC", "2026-12-31T18:00:00Z", 0, 1,
       "2027-01-31T18:00:00Z"},
      {"oct 31 + 1 month into standard time", "America/New_York", "2026-10-31T09:00:00-04:00", 0, 1,
       "2026-11-30T09:00:00-05:00"},
  };
  for (const auto& c : cases) {
    auto got = c.months != 0 ? AddCalendarMonths(At(c.start), c.months, c.zone)
                             : AddCalendarDays(At(c.start), c.days, c.zone);
    ASSERT_TRUE(got.ok()) << c.name << ": " << got.status().ToString();
    EXPECT_EQ(FormatRfc3339(*got), FormatRfc3339(At(c.want))) << c.name;
  }
}

TEST(CalendarTest, UnknownZoneIsInvalidArgument) {
  EXPECT_EQ(AddCalendarDays(0, 1, "Mars/Olympus_Mons").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vakt::compliance
