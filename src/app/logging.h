#pragma once

#include <string>

#include "common/status.h"

namespace vakt::app {

// LogOptions selects how vakt writes its log: "text" for people at a terminal, "json" (one
// object per line: time, level, logger, thread, msg) for log shippers such as Loki or
// Elasticsearch. Messages never carry secrets: call sites log redacted values only.
struct LogOptions {
  std::string format = "text";  // text | json
  std::string level = "info";   // trace | debug | info | warn | error | critical | off
};

// ValidateLogOptions names the bad field, so config files and flags fail before startup.
Status ValidateLogOptions(const LogOptions& options);

// ConfigureLogging applies `options` to the process-wide default logger.
Status ConfigureLogging(const LogOptions& options);

// FormatJsonLogLine renders one record the way the json format writes it (without newline).
std::string FormatJsonLogLine(long long unix_ms, const std::string& level, const std::string& logger,
                              std::size_t thread_id, const std::string& message);

}  // namespace vakt::app
