#include "app/logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace vakt::app {
namespace {

TEST(JsonLogLine, IsOneParseableObjectWithTimeLevelAndMessage) {
  std::string line = FormatJsonLogLine(1795000000123, "info", "", 42, "loaded 7 runbooks");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["time"], "2026-11-18T11:06:40.123Z");
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["logger"], "vakt");
  EXPECT_EQ(parsed["thread"], 42);
  EXPECT_EQ(parsed["msg"], "loaded 7 runbooks");
}

TEST(JsonLogLine, EscapesQuotesAndNewlinesFromAlertText) {
  std::string line = FormatJsonLogLine(0, "warn", "vakt", 1, "label \"a\"\nsecond line");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(line)["msg"], "label \"a\"\nsecond line");
}

TEST(JsonLogLine, ReplacesInvalidUtf8InsteadOfFailing) {
  std::string line = FormatJsonLogLine(0, "error", "vakt", 1, std::string("bad \xff byte"));
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["msg"], "bad \xEF\xBF\xBD byte");
}

TEST(LogOptions, RejectsUnknownFormatAndLevelNamingTheField) {
  EXPECT_TRUE(ValidateLogOptions({"json", "debug"}).ok());
  EXPECT_TRUE(ValidateLogOptions({"text", "off"}).ok());
  Status bad_format = ValidateLogOptions({"xml", "info"});
  EXPECT_FALSE(bad_format.ok());
  EXPECT_NE(bad_format.message().find("log.format"), std::string::npos);
  Status bad_level = ValidateLogOptions({"json", "loud"});
  EXPECT_FALSE(bad_level.ok());
  EXPECT_NE(bad_level.message().find("log.level"), std::string::npos);
}

}  // namespace
}  // namespace vakt::app
