#include "catalog/change_window.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <exception>
#include <string>

namespace vakt::catalog {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using SysMs = date::sys_time<milliseconds>;

// LocalToSys maps a local wall-clock time to an instant: earliest for ambiguous times, and the
// end of the gap (the first valid instant after it) for times a spring-forward skipped.
SysMs LocalToSys(const date::time_zone* zone, date::local_time<minutes> local) {
  const date::local_info info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      return SysMs(local.time_since_epoch() - info.first.offset);
    case date::local_info::ambiguous:
      return SysMs(local.time_since_epoch() - info.first.offset);
    case date::local_info::nonexistent:
    default:
      return SysMs(info.second.begin.time_since_epoch());
  }
}

}  // namespace

bool ValidTimeZone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

bool InsideWindow(const ChangeWindow& window, TimeMs now) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(window.time_zone);
  } catch (const std::exception&) {
    return false;  // unreachable for a loaded catalogue: zones are validated at load
  }
  const SysMs instant{milliseconds(now)};
  const auto local_now = zone->to_local(instant);
  const auto today = date::floor<date::days>(local_now);
  // A window that opened on an earlier day may still be open: look back as many days as it lasts.
  const auto lookback = date::days(window.duration_ms / (24LL * 3600 * 1000) + 1);
  for (auto day = today - lookback; day <= today; day += date::days(1)) {
    const unsigned weekday = date::weekday(day).c_encoding();
    if (!window.days[weekday]) continue;
    const SysMs start = LocalToSys(zone, day + minutes(window.start_minute));
    if (start <= instant && instant < start + milliseconds(window.duration_ms)) return true;
  }
  return false;
}

bool InsideChangeWindow(const Pipeline& pipeline, TimeMs now) {
  for (const ChangeWindow& window : pipeline.change_windows) {
    if (InsideWindow(window, now)) return true;
  }
  return false;
}

}  // namespace vakt::catalog
