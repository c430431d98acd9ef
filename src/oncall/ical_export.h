#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "oncall/directory.h"
#include "oncall/schedule.h"

namespace vakt::oncall {

// ExportICalendar renders shifts as an RFC 5545 VCALENDAR: one VEVENT per shift with a stable
// UID (hash of schedule, user, start, end: re-exporting the same shift gives the same UID, so
// calendar clients update instead of duplicating), DTSTAMP = `generated_at`, DTSTART/DTEND in
// UTC ("Z" form, so no VTIMEZONE is needed) and SUMMARY "On call: <name> (<schedule name>)".
// Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 sequence; TEXT values
// escape backslash, ';', ',' and newlines (§3.3.11). User names come from `directory` when known.
std::string ExportICalendar(const Schedule& schedule, const std::vector<Shift>& shifts,
                            const Directory* directory, TimeMs generated_at);

// EscapeICalText escapes a TEXT value per RFC 5545 §3.3.11.
std::string EscapeICalText(std::string_view text);

// FoldICalLine folds one content line (without its CRLF) to lines of at most 75 octets, each
// continuation starting with a space, and appends the final CRLF.
std::string FoldICalLine(std::string_view line);

}  // namespace vakt::oncall
