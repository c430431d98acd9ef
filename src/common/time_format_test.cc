#include "common/time_format.h"

#include <gtest/gtest.h>

namespace vakt {
namespace {

TEST(TimeFormatTest, ParsesUtcAndOffsetsToTheSameInstant) {
  EXPECT_EQ(*ParseRfc3339("2026-11-28T01:02:03Z"), 1795827723000);
  EXPECT_EQ(*ParseRfc3339("2026-11-28T02:02:03.5+01:00"), 1795827723500);
  EXPECT_EQ(*ParseRfc3339("2026-11-28T01:02:03.123456789Z"), 1795827723123);
}

TEST(TimeFormatTest, FormatRoundTrips) {
  EXPECT_EQ(FormatRfc3339(1795827723123), "2026-11-28T01:02:03.123Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339(-1500)), -1500);
}

TEST(TimeFormatTest, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026-11-28", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-28T01:02:03", "2026-11-28T01:02:03Zjunk", "2026-11-28T25:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
  }
}

TEST(TimeFormatTest, DurationsParseAndFormat) {
  EXPECT_EQ(*ParseDuration("1h30m"), 5'400'000);
  EXPECT_EQ(*ParseDuration("250ms"), 250);
  EXPECT_EQ(*ParseDuration("2d"), 172'800'000);
  EXPECT_FALSE(ParseDuration("5 minutes").ok());
  EXPECT_FALSE(ParseDuration("m").ok());
  EXPECT_EQ(FormatDuration(5'400'000), "1h30m");
  EXPECT_EQ(FormatDuration(0), "0s");
}

}  // namespace
}  // namespace vakt
