#include "oncall/ical_export.h"

#include <fmt/format.h>

#include "common/crypto.h"

namespace vakt::oncall {
namespace {

std::string FormatICalUtc(TimeMs ms) {
  const auto utc = date::floor<std::chrono::seconds>(
      date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
  return date::format("%Y%m%dT%H%M%SZ", utc);
}

}  // namespace

std::string EscapeICalText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t index = 0; index < text.size(); ++index) {
    const char ch = text[index];
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (index + 1 < text.size() && text[index + 1] == '\n') ++index;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT (§3.1 "CONTROL"); drop them.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') break;
        out += ch;
    }
  }
  return out;
}

std::string FoldICalLine(std::string_view line) {
  constexpr std::size_t kMaxOctets = 75;
  std::string out;
  std::size_t budget = kMaxOctets;  // the first line has 75 octets; continuations 74 + the space
  std::size_t used = 0;
  std::size_t index = 0;
  while (index < line.size()) {
    // Length of the UTF-8 sequence starting here, so a fold never splits a character.
    std::size_t length = 1;
    const auto lead = static_cast<unsigned char>(line[index]);
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    length = std::min(length, line.size() - index);
    if (used + length > budget) {
      out += "\r\n ";
      budget = kMaxOctets - 1;
      used = 0;
    }
    out.append(line.substr(index, length));
    used += length;
    index += length;
  }
  out += "\r\n";
  return out;
}

std::string ExportICalendar(const Schedule& schedule, const std::vector<Shift>& shifts,
                            const Directory* directory, TimeMs generated_at) {
  std::string out;
  auto line = [&out](std::string_view text) { out += FoldICalLine(text); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//vakt//oncall//EN");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  line("X-WR-CALNAME:" + EscapeICalText("On call: " + schedule.name));
  const std::string stamp = FormatICalUtc(generated_at);
  for (const Shift& shift : shifts) {
    const User* user = directory ? directory->FindUser(shift.user) : nullptr;
    const std::string display = user ? user->name : shift.user;
    const std::string uid =
        Sha256Hex(fmt::format("{}\n{}\n{}\n{}", schedule.id, shift.user, shift.start, shift.end))
            .substr(0, 32);
    line("BEGIN:VEVENT");
    line("UID:" + uid + "@vakt");
    line("DTSTAMP:" + stamp);
    line("DTSTART:" + FormatICalUtc(shift.start));
    line("DTEND:" + FormatICalUtc(shift.end));
    line("SUMMARY:" + EscapeICalText(fmt::format("On call: {} ({})", display, schedule.name)));
    line("DESCRIPTION:" + EscapeICalText(fmt::format("schedule {} (time zone {})\nuser {}", schedule.id,
                                                     schedule.time_zone_name, shift.user)));
    line("TRANSP:TRANSPARENT");
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace vakt::oncall
