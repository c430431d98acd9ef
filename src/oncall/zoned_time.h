#pragma once

#include <date/tz.h>

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::oncall {

// Wall-clock arithmetic for schedules. Rotations and restrictions are defined in a schedule's
// local time (a "09:00 handoff" stays 09:00 on both sides of a DST change), so every local time
// must be mapped to one UTC instant. The mapping, LocalToUtcMs, is total and deterministic:
//
//  * unique local time        -> the one instant.
//  * ambiguous (fall back; 02:30 happens twice in Europe/Oslo on the last Sunday of October)
//                              -> the EARLIER instant (the first 02:30, still on summer time),
//                                 as RFC 5545 §3.3.5 prescribes for DTSTART.
//  * nonexistent (spring forward; 02:30 does not exist in Europe/Oslo on the last Sunday of
//    March, clocks jump 02:00 -> 03:00) -> the INSTANT OF THE TRANSITION (03:00 new local time,
//    01:00Z). This is date::choose's behaviour. We chose it over RFC 5545's "shift by the gap"
//    (03:30) because it keeps the mapping monotone: a later local time never maps to an earlier
//    instant, so handoffs stay ordered and no shift gets a negative length.
//
// So a daily 02:30 Oslo handoff happens at 03:00 local on spring-forward day (the outgoing
// person's shift is 23.5 h of real time) and at the first 02:30 on fall-back day.

using LocalSeconds = date::local_seconds;

// FindZone looks up an IANA zone name ("Europe/Oslo") in the system tz database.
// Returns NotFound naming the zone when it does not exist.
Result<const date::time_zone*> FindZone(std::string_view name);

// LocalToUtcMs maps a wall-clock time in `zone` to Unix ms by the rules above.
TimeMs LocalToUtcMs(const date::time_zone* zone, LocalSeconds local);

// UtcMsToLocal maps Unix ms to wall-clock time in `zone`, truncated to whole seconds (floor).
LocalSeconds UtcMsToLocal(const date::time_zone* zone, TimeMs ms);

// ParseLocalDateTime reads "2026-03-02T09:00" or "2026-03-02T09:00:00" (no offset: the offset
// comes from the schedule's zone). InvalidArgument on anything else.
Result<LocalSeconds> ParseLocalDateTime(std::string_view text);

// ParseTimeOfDay reads "HH:MM" or "HH:MM:SS" (00:00..23:59:59) as seconds since midnight.
Result<std::chrono::seconds> ParseTimeOfDay(std::string_view text);

// ParseWeekday reads "monday".."sunday" (or "mon".."sun"); 0 = Monday .. 6 = Sunday (ISO order).
Result<unsigned> ParseWeekday(std::string_view text);

// FormatLocal prints "2026-03-29 03:00 CEST" for CLI output.
std::string FormatLocal(const date::time_zone* zone, TimeMs ms);

}  // namespace vakt::oncall
