#include "escalation/escalation_state.h"

#include <gtest/gtest.h>

namespace vakt::escalation {
namespace {

TEST(EscalationStateTest, EncodeDecodeRoundTrips) {
  EscalationState active{"INC-\"1\"", "ml-fraud-primary", 1'700'000'000'000, 2, 1, 1'700'000'300'000, 7,
                         EscalationState::Phase::kActive, std::nullopt};
  EscalationState acked = active;
  acked.phase = EscalationState::Phase::kAcknowledged;
  acked.next_due_at.reset();
  acked.stopped_at = 1'700'000'100'000;
  for (const EscalationState& state : {active, acked}) {
    Result<EscalationState> decoded = DecodeState(EncodeState(state));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, state);
  }
}

TEST(EscalationStateTest, DecodeRejectsCorruptRows) {
  const std::string good = EncodeState({"I", "p", 0, 0, 0, 5, 0, EscalationState::Phase::kActive, std::nullopt});
  ASSERT_TRUE(DecodeState(good).ok());
  struct Case {
    std::string text;
    const char* want;
  };
  auto replace = [&good](const std::string& from, const std::string& to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  const Case cases[] = {
      {"[]", "not a JSON object"},
      {replace("\"level\":0", "\"level\":\"0\""), "\"level\""},
      {replace("\"level\":0", "\"lvl\":0"), "unknown field \"lvl\""},
      {replace("\"phase\":\"active\"", "\"phase\":\"paused\""), "unknown phase"},
      {replace("\"v\":1", "\"v\":2"), "version"},
      {replace("\"next_due_at\":5", "\"next_due_at\":null"), "active without next_due_at"},
      {good.substr(0, good.size() - 1), "escalation state"},
  };
  for (const Case& test_case : cases) {
    Result<EscalationState> decoded = DecodeState(test_case.text);
    ASSERT_FALSE(decoded.ok()) << test_case.text;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
    EXPECT_NE(decoded.status().message().find(test_case.want), std::string::npos)
        << decoded.status().message();
  }
}

}  // namespace
}  // namespace vakt::escalation
