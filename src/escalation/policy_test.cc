#include "escalation/policy.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace vakt::escalation {
namespace {

constexpr const char* kConfig = R"(
users:
  - {id: ada, contact: {email: ada@example.com}}
  - {id: bo, contact: {email: bo@example.com}}
teams:
  - {id: ml, members: [ada, bo]}
schedules:
  - id: primary
    time_zone: UTC
    layers:
      - {users: [ada, bo], rotation_virtual_start: "2026-03-02T09:00", turn: daily}
escalation_policies:
  - id: ml-fraud-primary
    repeat: 2
    levels:
      - {targets: [schedule:primary], delay: 5m}
      - {targets: [user:ada, team:ml], delay: 10m, round_robin: true}
)";

TEST(PolicyTest, ParsesPoliciesWithTargets) {
  Result<OncallConfig> config = ParseOncallConfig(kConfig, "c.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const EscalationPolicy* policy = config->FindPolicy("ml-fraud-primary");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->repeat, 2);
  ASSERT_EQ(policy->levels.size(), 2u);
  EXPECT_EQ(policy->levels[0].delay, 300'000);
  EXPECT_TRUE(policy->levels[1].round_robin);
  EXPECT_EQ(policy->levels[1].targets[1].ToString(), "team:ml");
}

TEST(PolicyTest, RejectsBadPolicies) {
  struct Case {
    const char* from;
    const char* to;
    const char* want;
  };
  const Case cases[] = {
      {"schedule:primary]", "schedule:secondary]", "unknown target \"schedule:secondary\""},
      {"schedule:primary]", "rota:primary]", "target must be"},
      {"delay: 5m", "delay: 0s", "delay must be positive"},
      {"delay: 5m", "dealy: 5m", "unknown key \"dealy\""},
      {"round_robin: true", "round_robin: yes", "expected true or false"},
      {"repeat: 2", "repeat: -1", "repeat must be between"},
      {"escalation_policies:", "escalation_policy:", "unknown key \"escalation_policy\""},
  };
  for (const Case& test_case : cases) {
    std::string text = kConfig;
    text.replace(text.find(test_case.from), std::string(test_case.from).size(), test_case.to);
    Result<OncallConfig> config = ParseOncallConfig(text, "c.yaml");
    ASSERT_FALSE(config.ok()) << test_case.to;
    EXPECT_NE(config.status().message().find(test_case.want), std::string::npos) << config.status().message();
  }
}

TEST(PolicyTest, ExampleConfigLoadsWithTheDocumentedPolicies) {
  Result<OncallConfig> config =
      LoadOncallConfig(std::string(std::getenv("VAKT_SOURCE_DIR")) + "/examples/oncall.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_NE(config->FindPolicy("ml-fraud-primary"), nullptr);
  EXPECT_NE(config->FindPolicy("ml-platform-primary"), nullptr);
  EXPECT_EQ(config->directory.schedules().size(), 3u);
}

}  // namespace
}  // namespace vakt::escalation
