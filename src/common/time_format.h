#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vakt {

// ParseRfc3339 reads "2026-11-28T01:02:03.456Z" or with a "+01:00" offset (fractions to ns are
// accepted, kept to ms). Returns InvalidArgument naming the problem.
Result<TimeMs> ParseRfc3339(std::string_view text);

// FormatRfc3339 writes UTC with millisecond precision: "2026-11-28T01:02:03.456Z".
std::string FormatRfc3339(TimeMs ms);

// ParseDuration reads Go/Prometheus-style durations: "30s", "5m", "1h30m", "250ms", "2d", "1w".
Result<TimeMs> ParseDuration(std::string_view text);

// FormatDuration writes the shortest Go-style form ("1h30m", "250ms", "0s").
std::string FormatDuration(TimeMs ms);

}  // namespace vakt
