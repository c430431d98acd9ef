#include "app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace vakt::app {
namespace {

// JsonLogFormatter writes each record as one JSON object. Invalid UTF-8 in a message (e.g. an
// echoed label) is replaced rather than breaking the line for the shipper.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       msg.time.time_since_epoch())
                       .count();
    auto level = spdlog::level::to_string_view(msg.level);
    std::string line = FormatJsonLogLine(
        unix_ms, std::string(level.data(), level.size()),
        std::string(msg.logger_name.data(), msg.logger_name.size()), msg.thread_id,
        std::string(msg.payload.data(), msg.payload.size()));
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }
};

}  // namespace

std::string FormatJsonLogLine(long long unix_ms, const std::string& level, const std::string& logger,
                              std::size_t thread_id, const std::string& message) {
  nlohmann::json line = {{"time", FormatRfc3339(unix_ms)},
                         {"level", level},
                         {"logger", logger.empty() ? "vakt" : logger},
                         {"thread", thread_id},
                         {"msg", message}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status ValidateLogOptions(const LogOptions& options) {
  if (options.format != "text" && options.format != "json") {
    return Status::InvalidArgument("log.format: want text or json, got \"" + options.format + "\"");
  }
  if (spdlog::level::from_str(options.level) == spdlog::level::off && options.level != "off") {
    return Status::InvalidArgument(
        "log.level: want trace, debug, info, warn, error, critical or off, got \"" + options.level +
        "\"");
  }
  return Status::Ok();
}

Status ConfigureLogging(const LogOptions& options) {
  VAKT_RETURN_IF_ERROR(ValidateLogOptions(options));
  spdlog::set_level(spdlog::level::from_str(options.level));
  if (options.format == "json") {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    spdlog::set_formatter(std::make_unique<spdlog::pattern_formatter>());
  }
  return Status::Ok();
}

}  // namespace vakt::app
