#include "drill/recurrence.h"

#include <fmt/format.h>

#include "oncall/zoned_time.h"

namespace vakt::drill {
namespace {

constexpr const char* kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                     "thursday", "friday", "saturday"};

Result<std::string> RequiredString(const nlohmann::json& body, const char* key) {
  auto found = body.find(key);
  if (found == body.end() || found->is_null()) {
    return Status::InvalidArgument(std::string(key) + ": is required");
  }
  if (!found->is_string()) return Status::InvalidArgument(std::string(key) + ": must be a string");
  return found->get<std::string>();
}

}  // namespace

std::string WeekdayName(unsigned weekday) { return weekday < 7 ? kWeekdays[weekday] : "?"; }

std::string FormatTimeOfDay(std::chrono::seconds time_of_day) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(time_of_day).count();
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

Result<Recurrence> ParseRecurrence(const nlohmann::json& body) {
  Recurrence recurrence;
  VAKT_ASSIGN_OR_RETURN(recurrence.every, RequiredString(body, "every"));
  if (recurrence.every != "daily" && recurrence.every != "weekly") {
    return Status::InvalidArgument("every: must be daily or weekly");
  }
  if (recurrence.every == "weekly") {
    VAKT_ASSIGN_OR_RETURN(std::string weekday, RequiredString(body, "weekday"));
    auto iso = oncall::ParseWeekday(weekday);  // 0 = Monday
    if (!iso.ok()) return Status::InvalidArgument("weekday: must be monday … sunday");
    recurrence.weekday = (*iso + 1) % 7;
  } else if (body.contains("weekday") && !body["weekday"].is_null()) {
    return Status::InvalidArgument("weekday: only for every: weekly");
  }
  VAKT_ASSIGN_OR_RETURN(std::string at, RequiredString(body, "at"));
  auto time_of_day = oncall::ParseTimeOfDay(at);
  if (!time_of_day.ok() || time_of_day->count() % 60 != 0) {
    return Status::InvalidArgument("at: must be a local time HH:MM");
  }
  recurrence.time_of_day = *time_of_day;
  VAKT_ASSIGN_OR_RETURN(recurrence.time_zone, RequiredString(body, "time_zone"));
  auto zone = oncall::FindZone(recurrence.time_zone);
  if (!zone.ok()) {
    return Status::InvalidArgument("time_zone: unknown IANA time zone \"" + recurrence.time_zone +
                                   "\"");
  }
  recurrence.zone = *zone;
  return recurrence;
}

Result<Recurrence> LoadRecurrence(const std::string& every, std::int64_t weekday,
                                  const std::string& time_of_day, const std::string& time_zone) {
  nlohmann::json body = {{"every", every}, {"at", time_of_day}, {"time_zone", time_zone}};
  if (every == "weekly" && weekday >= 0 && weekday < 7) body["weekday"] = kWeekdays[weekday];
  auto parsed = ParseRecurrence(body);
  if (!parsed.ok())
    return Status::Corruption("stored drill schedule: " + parsed.status().message());
  return parsed;
}

TimeMs NextRunAfter(const Recurrence& recurrence, TimeMs after) {
  // Walk local dates from the one `after` falls on; a week and a day always contain a match
  // (the extra day covers a time of day already passed on a matching weekday).
  const date::local_days first =
      date::floor<date::days>(oncall::UtcMsToLocal(recurrence.zone, after));
  for (int offset = 0; offset <= 8; ++offset) {
    const date::local_days day = first + date::days{offset};
    if (recurrence.every == "weekly" && date::weekday(day).c_encoding() != recurrence.weekday) {
      continue;
    }
    TimeMs at = oncall::LocalToUtcMs(recurrence.zone, day + recurrence.time_of_day);
    if (at > after) return at;
  }
  // Unreachable for a valid recurrence; a week later keeps the scheduler moving regardless.
  return after + 7 * 24 * 3600 * 1000LL;
}

}  // namespace vakt::drill
