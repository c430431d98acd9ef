#include "catalog/change_window.h"

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "support/test_time.h"

namespace vakt::catalog {
namespace {

using test_support::At;

ChangeWindow Window(std::initializer_list<int> days, int hour, int minute, TimeMs duration_ms) {
  ChangeWindow window;
  for (int day : days) window.days[day] = true;
  window.start_minute = hour * 60 + minute;
  window.duration_ms = duration_ms;
  window.time_zone = "Europe/Oslo";
  return window;
}

constexpr TimeMs kMinute = 60'000;
constexpr TimeMs kHour = 60 * kMinute;
constexpr int kSun = 0;
constexpr int kTue = 2;

TEST(ChangeWindowTest, OsloWindowsAcrossDaysAndDst) {
  struct Case {
    const char* name;
    ChangeWindow window;
    const char* instant;
    bool inside;
  };
  const Case cases[] = {
      // Tuesday 22:00 for 4h: summer (CEST, UTC+2) and winter (CET, UTC+1), across midnight.
      {"summer open", Window({kTue}, 22, 0, 4 * kHour), "2026-06-16T20:00:00Z", true},
      {"summer before", Window({kTue}, 22, 0, 4 * kHour), "2026-06-16T19:59:59Z", false},
      {"summer after midnight", Window({kTue}, 22, 0, 4 * kHour), "2026-06-16T23:59:59Z", true},
      {"summer closed", Window({kTue}, 22, 0, 4 * kHour), "2026-06-17T00:00:00Z", false},
      {"monday is not tuesday", Window({kTue}, 22, 0, 4 * kHour), "2026-06-15T20:30:00Z", false},
      {"winter open", Window({kTue}, 22, 0, 4 * kHour), "2026-01-13T21:00:00Z", true},
      {"winter before", Window({kTue}, 22, 0, 4 * kHour), "2026-01-13T20:59:00Z", false},
      // Spring forward 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z). A 01:00 window for
      // 4h is four real hours: 00:00Z..04:00Z (06:00 local), not three.
      {"spring 4h still open", Window({kSun}, 1, 0, 4 * kHour), "2026-03-29T03:59:00Z", true},
      {"spring 4h closed", Window({kSun}, 1, 0, 4 * kHour), "2026-03-29T04:00:00Z", false},
      // 02:30 does not exist that night: the window opens when the gap ends (01:00Z).
      {"gap start before", Window({kSun}, 2, 30, kHour), "2026-03-29T00:59:59Z", false},
      {"gap start opens at gap end", Window({kSun}, 2, 30, kHour), "2026-03-29T01:00:00Z", true},
      {"gap start closes", Window({kSun}, 2, 30, kHour), "2026-03-29T02:00:00Z", false},
      // Fall back 2026-10-25: 03:00 CEST goes back to 02:00 CET (01:00Z). 02:30 happens twice;
      // the window opens at the first (00:30Z) and does not reopen at the second (01:30Z).
      {"ambiguous first", Window({kSun}, 2, 30, 30 * kMinute), "2026-10-25T00:45:00Z", true},
      {"ambiguous second", Window({kSun}, 2, 30, 30 * kMinute), "2026-10-25T01:45:00Z", false},
      // A multi-day window (Sunday 20:00 for 3 days) is found from a later day.
      {"multi-day", Window({kSun}, 20, 0, 72 * kHour), "2026-06-16T12:00:00Z", true},
      {"multi-day ended", Window({kSun}, 20, 0, 72 * kHour), "2026-06-17T18:00:00Z", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InsideWindow(c.window, At(c.instant)), c.inside) << c.name;
  }
}

TEST(ChangeWindowTest, PipelineIsInsideWhenAnyWindowIs) {
  Pipeline pipeline;
  EXPECT_FALSE(InsideChangeWindow(pipeline, At("2026-06-16T20:30:00Z")));
  pipeline.change_windows.push_back(Window({kSun}, 1, 0, kHour));
  pipeline.change_windows.push_back(Window({kTue}, 22, 0, 4 * kHour));
  EXPECT_TRUE(InsideChangeWindow(pipeline, At("2026-06-16T20:30:00Z")));
  EXPECT_FALSE(InsideChangeWindow(pipeline, At("2026-06-16T12:00:00Z")));
}

TEST(ChangeWindowTest, ValidTimeZoneUsesTzDatabase) {
  EXPECT_TRUE(ValidTimeZone("Europe/Oslo"));
  EXPECT_TRUE(ValidTimeZone("UTC"));
  EXPECT_FALSE(ValidTimeZone("Mars/Olympus_Mons"));
}

}  // namespace
}  // namespace vakt::catalog
