#include "oncall/zoned_time.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/ascii.h"

namespace vakt::oncall {
namespace {

bool ParseFixedInt(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char ch : text) {
    if (std::isdigit(static_cast<unsigned char>(ch)) == 0) return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<const date::time_zone*> FindZone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception& e) {
    return Status::NotFound(fmt::format("unknown time zone \"{}\"", name));
  }
}

TimeMs LocalToUtcMs(const date::time_zone* zone, LocalSeconds local) {
  const date::local_info info = zone->get_info(local);
  date::sys_seconds utc;
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // info.first is the earlier (pre-transition) offset
      utc = date::sys_seconds{local.time_since_epoch() - info.first.offset};
      break;
    case date::local_info::nonexistent:
      utc = info.first.end;  // the transition instant
      break;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(utc.time_since_epoch()).count();
}

LocalSeconds UtcMsToLocal(const date::time_zone* zone, TimeMs ms) {
  const auto utc = date::floor<std::chrono::seconds>(
      date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
  return zone->to_local(utc);
}

Result<LocalSeconds> ParseLocalDateTime(std::string_view text) {
  // YYYY-MM-DDTHH:MM[:SS]
  if (text.size() != 16 && text.size() != 19) {
    return Status::InvalidArgument(
        fmt::format("expected local time YYYY-MM-DDTHH:MM, got \"{}\"", text));
  }
  int year = 0, month = 0, day = 0;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      !ParseFixedInt(text.substr(0, 4), year) || !ParseFixedInt(text.substr(5, 2), month) ||
      !ParseFixedInt(text.substr(8, 2), day)) {
    return Status::InvalidArgument(
        fmt::format("expected local time YYYY-MM-DDTHH:MM, got \"{}\"", text));
  }
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return Status::InvalidArgument(fmt::format("no such date in \"{}\"", text));
  VAKT_ASSIGN_OR_RETURN(std::chrono::seconds time_of_day, ParseTimeOfDay(text.substr(11)));
  return LocalSeconds{date::local_days{ymd}.time_since_epoch() + time_of_day};
}

Result<std::chrono::seconds> ParseTimeOfDay(std::string_view text) {
  int hours = 0, minutes = 0, seconds = 0;
  const bool shape_ok = (text.size() == 5 || text.size() == 8) && text[2] == ':' &&
                        (text.size() == 5 || text[5] == ':');
  if (!shape_ok || !ParseFixedInt(text.substr(0, 2), hours) ||
      !ParseFixedInt(text.substr(3, 2), minutes) ||
      (text.size() == 8 && !ParseFixedInt(text.substr(6, 2), seconds)) || hours > 23 ||
      minutes > 59 || seconds > 59) {
    return Status::InvalidArgument(fmt::format("expected time of day HH:MM, got \"{}\"", text));
  }
  return std::chrono::seconds{hours * 3600 + minutes * 60 + seconds};
}

Result<unsigned> ParseWeekday(std::string_view text) {
  static constexpr std::string_view kNames[] = {"monday", "tuesday",  "wednesday", "thursday",
                                                "friday", "saturday", "sunday"};
  const std::string lower = AsciiLower(text);
  for (unsigned index = 0; index < 7; ++index) {
    if (lower == kNames[index] || lower == kNames[index].substr(0, 3)) return index;
  }
  return Status::InvalidArgument(
      fmt::format("expected a weekday such as monday, got \"{}\"", text));
}

std::string FormatLocal(const date::time_zone* zone, TimeMs ms) {
  const auto utc = date::floor<std::chrono::seconds>(
      date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
  return date::format("%Y-%m-%d %H:%M %Z", date::make_zoned(zone, utc));
}

}  // namespace vakt::oncall
