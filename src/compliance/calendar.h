#pragma once

// Calendar arithmetic in a named IANA time zone (date/tz over the system tzdata), so that "two
// days" and "one month" mean the same wall-clock time on a later local date, across DST changes.

#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::compliance {

// AddCalendarDays returns the instant at the same local wall-clock time `days` local dates after
// `start` in `time_zone`. A local time that falls in a DST gap moves forward by the gap (02:30
// on a spring-forward night becomes 03:30); one that is ambiguous (fall back) takes the earlier
// instant, the conservative choice for a deadline. InvalidArgument for an unknown zone.
Result<TimeMs> AddCalendarDays(TimeMs start, int days, std::string_view time_zone);

// AddCalendarMonths adds calendar months to the local date, clamping the day to the end of the
// target month (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year), at the same local time,
// with the same gap/overlap rules as AddCalendarDays.
Result<TimeMs> AddCalendarMonths(TimeMs start, int months, std::string_view time_zone);

}  // namespace vakt::compliance
