#include "ingest/pagerduty_format.h"

#include <gtest/gtest.h>

namespace vakt::ingest {
namespace {

constexpr TimeMs kReceivedAt = 1'795'827'723'000;
const std::string kKey = "0123456789abcdef0123456789abcdef";

nlohmann::json Trigger() {
  return {{"routing_key", kKey},
          {"event_action", "trigger"},
          {"dedup_key", "fraud-drift"},
          {"payload",
           {{"summary", "PSI 0.31 on fraud-scoring"},
            {"source", "evidently"},
            {"severity", "critical"},
            {"class", "FeatureDrift"},
            {"custom_details", {{"pipeline", "fraud-scoring"}, {"psi", 0.31}}}}}};
}

TEST(PagerDutyFormatTest, TriggerBecomesAlertScopedToRoutingKey) {
  auto parsed = ParsePagerDutyEvent(Trigger(), kReceivedAt);
  ASSERT_TRUE(parsed.errors.empty());
  const Alert& alert = parsed.event.alert;
  EXPECT_EQ(alert.labels.at("alertname"), "FeatureDrift");
  EXPECT_EQ(alert.labels.at("pipeline"), "fraud-scoring");
  EXPECT_EQ(alert.labels.at("severity"), "critical");
  EXPECT_EQ(alert.annotations.at("psi"), "0.31");
  EXPECT_EQ(alert.fingerprint, PagerDutyFingerprint(kKey, "fraud-drift"));
  EXPECT_NE(PagerDutyFingerprint(kKey, "fraud-drift"),
            PagerDutyFingerprint("ffffffffffffffffffffffffffffffff", "fraud-drift"));
  EXPECT_EQ(alert.dedup_key.find(kKey), std::string::npos) << "routing key must not be stored";
}

TEST(PagerDutyFormatTest, TriggerWithoutDedupKeyGetsOne) {
  auto event = Trigger();
  event.erase("dedup_key");
  auto parsed = ParsePagerDutyEvent(event, kReceivedAt);
  ASSERT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.event.dedup_key.size(), 32u);
}

TEST(PagerDutyFormatTest, FieldLimitsAndEnumsProducePagerDutyMessages) {
  struct Case {
    const char* name;
    void (*edit)(nlohmann::json&);
    const char* message;
  };
  std::vector<Case> cases = {
      {"short routing key", [](nlohmann::json& e) { e["routing_key"] = "abc"; },
       "'routing_key' must be 32 characters"},
      {"bad action", [](nlohmann::json& e) { e["event_action"] = "escalate"; },
       "'event_action' must be one of trigger, acknowledge or resolve"},
      {"long dedup key", [](nlohmann::json& e) { e["dedup_key"] = std::string(256, 'k'); },
       "'dedup_key' must be at most 255 characters"},
      {"long summary", [](nlohmann::json& e) { e["payload"]["summary"] = std::string(1025, 's'); },
       "'payload.summary' must be at most 1024 characters"},
      {"bad severity", [](nlohmann::json& e) { e["payload"]["severity"] = "page"; },
       "'payload.severity' must be one of critical, error, warning or info"},
      {"missing source", [](nlohmann::json& e) { e["payload"].erase("source"); },
       "'payload.source' is missing or blank"},
      {"resolve without key",
       [](nlohmann::json& e) {
         e["event_action"] = "resolve";
         e.erase("dedup_key");
       },
       "'dedup_key' is missing or blank"},
      {"bad timestamp", [](nlohmann::json& e) { e["payload"]["timestamp"] = "noon"; },
       "'payload.timestamp' must be an ISO 8601 timestamp"},
  };
  for (const auto& test_case : cases) {
    auto event = Trigger();
    test_case.edit(event);
    auto parsed = ParsePagerDutyEvent(event, kReceivedAt);
    ASSERT_EQ(parsed.errors.size(), 1u) << test_case.name;
    EXPECT_EQ(parsed.errors[0], test_case.message) << test_case.name;
  }
  auto exact = Trigger();
  exact["dedup_key"] = std::string(255, 'k');
  exact["payload"]["summary"] = std::string(1024, 's');
  EXPECT_TRUE(ParsePagerDutyEvent(exact, kReceivedAt).errors.empty()) << "limits are inclusive";
}

TEST(PagerDutyFormatTest, ChangeEventFeedsDeploymentHistoryWithoutRoutingKey) {
  auto body = nlohmann::json::parse(R"({
    "routing_key": "0123456789abcdef0123456789abcdef",
    "payload": {"summary": "Deploy fraud model v43", "timestamp": "2026-11-28T00:00:00Z",
                "source": "argo", "custom_details": {"pipeline": "fraud-scoring", "version": "43"}}
  })");
  std::vector<std::string> errors;
  auto change = ParsePagerDutyChange(body, kReceivedAt, errors);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->pipeline, "fraud-scoring");
  EXPECT_EQ(change->version, "43");
  EXPECT_EQ(change->payload_json.find("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace vakt::ingest
