#include "compliance/calendar.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <exception>
#include <string>

namespace vakt::compliance {
namespace {

using Ms = std::chrono::milliseconds;
using LocalMs = date::local_time<Ms>;

Result<const date::time_zone*> Zone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception& error) {
    return Status::InvalidArgument("unknown time zone \"" + std::string(name) + "\"");
  }
}

// ToInstant maps a local time to an instant, resolving DST gaps and overlaps as documented.
TimeMs ToInstant(const date::time_zone& zone, LocalMs local) {
  const date::local_info info = zone.get_info(date::floor<std::chrono::seconds>(local));
  // unique: the only offset. nonexistent: first is the offset before the gap, which lands the
  // same distance past it. ambiguous: first is the pre-transition offset, the earlier instant.
  const std::chrono::seconds offset = info.first.offset;
  const auto sys = local.time_since_epoch() - offset;
  return std::chrono::duration_cast<Ms>(sys).count();
}

Result<TimeMs> Shift(TimeMs start, std::string_view time_zone, int days, int months) {
  VAKT_ASSIGN_OR_RETURN(const date::time_zone* zone, Zone(time_zone));
  const date::sys_time<Ms> sys{Ms{start}};
  const LocalMs local = zone->to_local(sys);
  const auto local_day = date::floor<date::days>(local);
  const auto time_of_day = local - local_day;
  date::year_month_day ymd{local_day};
  if (months != 0) {
    const date::year_month target = date::year_month{ymd.year(), ymd.month()} + date::months{months};
    const date::day last = date::year_month_day_last{target.year(), date::month_day_last{target.month()}}.day();
    ymd = date::year_month_day{target.year(), target.month(), ymd.day() > last ? last : ymd.day()};
  }
  const date::local_days shifted = date::local_days{ymd} + date::days{days};
  return ToInstant(*zone, shifted + time_of_day);
}

}  // namespace

Result<TimeMs> AddCalendarDays(TimeMs start, int days, std::string_view time_zone) {
  return Shift(start, time_zone, days, 0);
}

Result<TimeMs> AddCalendarMonths(TimeMs start, int months, std::string_view time_zone) {
  return Shift(start, time_zone, 0, months);
}

}  // namespace vakt::compliance
