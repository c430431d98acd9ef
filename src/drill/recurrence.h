#pragma once

#include <date/tz.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::drill {

// Recurrence is when a scheduled drill repeats: every day, or every week on one weekday, at a
// local wall-clock time in an IANA time zone. "Tuesdays 10:00 Europe/Oslo" stays 10:00 local on
// both sides of a DST change, so the UTC instant moves by an hour twice a year.
struct Recurrence {
  std::string every;     // "daily" | "weekly"
  unsigned weekday = 0;  // 0 = Sunday … 6 = Saturday (date::weekday's C encoding); weekly only
  std::chrono::seconds time_of_day{0};
  std::string time_zone;  // IANA name
  const date::time_zone* zone = nullptr;
};

// ParseRecurrence reads {every: daily|weekly, weekday: "tuesday" (weekly only), at: "HH:MM",
// time_zone: "Europe/Oslo"} and resolves the zone. InvalidArgument naming the field.
Result<Recurrence> ParseRecurrence(const nlohmann::json& body);

// LoadRecurrence rebuilds a stored recurrence (weekday as 0–6, time of day as "HH:MM").
Result<Recurrence> LoadRecurrence(const std::string& every, std::int64_t weekday,
                                  const std::string& time_of_day, const std::string& time_zone);

// NextRunAfter is the first instant strictly after `after` at which the recurrence fires. A local
// time that does not exist that day (spring forward: 02:30 in Europe/Oslo on the last Sunday of
// March) fires at the transition instant (03:00 local), and a local time that happens twice (fall
// back) fires once, at the earlier instant — the rules of oncall::LocalToUtcMs, so drills and
// on-call handoffs agree.
TimeMs NextRunAfter(const Recurrence& recurrence, TimeMs after);

// FormatTimeOfDay prints "HH:MM"; WeekdayName prints "monday" … "sunday".
std::string FormatTimeOfDay(std::chrono::seconds time_of_day);
std::string WeekdayName(unsigned weekday);

}  // namespace vakt::drill
