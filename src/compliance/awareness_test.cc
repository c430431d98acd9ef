#include "compliance/awareness.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace vakt::compliance {
namespace {

const TimeMs kNow = *ParseRfc3339("2026-03-29T12:00:00Z");

TEST(AwarenessTest, RequestRoundTripsThroughTheAuditRecord) {
  auto change = DecodeAwarenessRequest(
      {{"became_aware_at", "2026-03-29T02:30:00+02:00"}, {"reason", "customer e-mail at 02:30"}},
      kNow, "user:alice");
  ASSERT_TRUE(change.ok()) << change.status().ToString();
  EXPECT_EQ(change->became_aware_at, *ParseRfc3339("2026-03-29T00:30:00Z"));
  auto back = DecodeAwarenessRecord(AwarenessDetails(*change), kNow, "user:alice");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->became_aware_at, change->became_aware_at);
  EXPECT_EQ(back->reason, "customer e-mail at 02:30");
  EXPECT_EQ(back->actor, "user:alice");
}

TEST(AwarenessTest, BadRequestsNameTheField) {
  struct Case {
    nlohmann::json body;
    const char* field;
  };
  const std::vector<Case> cases = {
      {{{"reason", "x"}}, "became_aware_at"},
      {{{"became_aware_at", "yesterday"}, {"reason", "x"}}, "became_aware_at"},
      {{{"became_aware_at", "2026-03-30T00:00:00Z"}, {"reason", "x"}}, "became_aware_at"},
      {{{"became_aware_at", "2026-03-29T00:00:00Z"}}, "reason"},
      {{{"became_aware_at", "2026-03-29T00:00:00Z"}, {"reason", ""}}, "reason"},
      {{{"became_aware_at", "2026-03-29T00:00:00Z"}, {"reason", std::string(2001, 'r')}}, "reason"},
      {{{"became_aware_at", "2026-03-29T00:00:00Z"}, {"reason", "x"}, {"actor", "bob"}}, "actor"},
      {nlohmann::json::array(), "body"},
  };
  for (const auto& c : cases) {
    auto change = DecodeAwarenessRequest(c.body, kNow, "user:alice");
    ASSERT_EQ(change.status().code(), StatusCode::kInvalidArgument) << c.body.dump();
    EXPECT_TRUE(change.status().message().starts_with(c.field)) << change.status().message();
  }
}

TEST(AwarenessTest, MalformedStoredRecordIsRejected) {
  EXPECT_FALSE(
      DecodeAwarenessRecord({{"became_aware_at_ms", "soon"}, {"reason", "x"}}, 0, "a").ok());
  EXPECT_FALSE(DecodeAwarenessRecord({{"became_aware_at_ms", 5}}, 0, "a").ok());
}

}  // namespace
}  // namespace vakt::compliance
