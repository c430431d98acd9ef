#include "common/time_format.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

namespace vakt {
namespace {

bool ReadDigits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    char c = text[pos + idx];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || (text[pos] != c && std::tolower(text[pos]) != std::tolower(c))) {
    return false;
  }
  ++pos;
  return true;
}

}  // namespace

Result<TimeMs> ParseRfc3339(std::string_view text) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument(fmt::format("invalid RFC 3339 time \"{}\": {}", text, why));
  };
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day)) {
    return bad("expected YYYY-MM-DD");
  }
  if (!Expect(text, pos, 'T') || !ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, second)) {
    return bad("expected THH:MM:SS");
  }
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return bad("field out of range");
  TimeMs millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return bad("bad fractional seconds");
    for (size_t idx = digits; idx < 3; ++idx) millis *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int off_h = 0, off_m = 0;
    if (!ReadDigits(text, pos, 2, off_h) || !Expect(text, pos, ':') ||
        !ReadDigits(text, pos, 2, off_m) || off_h > 23 || off_m > 59) {
      return bad("bad zone offset");
    }
    offset_minutes = sign * (off_h * 60 + off_m);
  } else {
    return bad("missing zone (Z or ±HH:MM)");
  }
  if (pos != text.size()) return bad("trailing characters");
  auto days = sys_days(ymd).time_since_epoch().count();
  TimeMs seconds = static_cast<TimeMs>(days) * 86400 + hour * 3600 + minute * 60 +
                   std::min(second, 59) - offset_minutes * 60;
  return seconds * 1000 + millis;
}

std::string FormatRfc3339(TimeMs ms) {
  using namespace std::chrono;
  TimeMs seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  TimeMs millis = ms - seconds * 1000;
  TimeMs days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  TimeMs in_day = seconds - days * 86400;
  year_month_day ymd{sys_days(std::chrono::days(days))};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     in_day / 3600, (in_day / 60) % 60, in_day % 60, millis);
}

Result<TimeMs> ParseDuration(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("empty duration");
  if (text == "0") return TimeMs{0};
  TimeMs total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (start == pos || pos - start > 12) {
      return Status::InvalidArgument(fmt::format("invalid duration \"{}\"", text));
    }
    TimeMs number = std::stoll(std::string(text.substr(start, pos - start)));
    size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    std::string_view unit = text.substr(unit_start, pos - unit_start);
    TimeMs scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else if (unit == "d") scale = 86'400'000;
    else if (unit == "w") scale = 7 * 86'400'000LL;
    else {
      return Status::InvalidArgument(
          fmt::format("invalid duration \"{}\": unknown unit \"{}\" (use ms, s, m, h, d, w)", text,
                      unit));
    }
    total += number * scale;
  }
  return total;
}

std::string FormatDuration(TimeMs ms) {
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const std::pair<TimeMs, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& [scale, name] : units) {
    if (ms >= scale) {
      out += fmt::format("{}{}", ms / scale, name);
      ms %= scale;
    }
  }
  return out;
}

}  // namespace vakt
