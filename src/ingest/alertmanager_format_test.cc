#include "ingest/alertmanager_format.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace vakt::ingest {
namespace {

constexpr TimeMs kNow = 1'795'827'723'000;  // 2026-11-28T01:02:03Z

ParsedAlerts ParseText(const std::string& text, const IngestLimits& limits = {}) {
  return ParsePostableAlerts(nlohmann::json::parse(text), kNow, limits);
}

TEST(AlertmanagerFormatTest, MissingTimesDefaultLikeAlertmanager) {
  auto parsed = ParseText(R"([{"labels": {"alertname": "FeatureDrift", "model": "fraud"}}])");
  ASSERT_TRUE(parsed.errors.empty());
  ASSERT_EQ(parsed.alerts.size(), 1u);
  EXPECT_EQ(parsed.alerts[0].starts_at, kNow);
  EXPECT_EQ(parsed.alerts[0].ends_at, kNow + 5 * 60 * 1000);
  EXPECT_EQ(parsed.alerts[0].fingerprint, Fingerprint(parsed.alerts[0].labels));
}

TEST(AlertmanagerFormatTest, OnlyEndsAtSetMeansStartsAtEndsAt) {
  auto parsed = ParseText(R"([{"labels": {"a": "b"}, "endsAt": "2026-11-28T00:00:00Z"}])");
  ASSERT_EQ(parsed.alerts.size(), 1u);
  EXPECT_EQ(parsed.alerts[0].starts_at, *ParseRfc3339("2026-11-28T00:00:00Z"));
}

TEST(AlertmanagerFormatTest, EmptyLabelValuesAreDropped) {
  auto parsed = ParseText(R"([{"labels": {"alertname": "X", "team": ""}}])");
  ASSERT_EQ(parsed.alerts.size(), 1u);
  EXPECT_FALSE(parsed.alerts[0].labels.contains("team"));
  EXPECT_EQ(parsed.alerts[0].fingerprint, Fingerprint({{"alertname", "X"}}));
}

TEST(AlertmanagerFormatTest, BestEffortKeepsValidAlertsAndNamesInvalidOnes) {
  auto parsed = ParseText(R"([
    {"labels": {"alertname": "Good"}},
    {"labels": {"bad-name": "x"}},
    {"labels": {}},
    {"labels": {"a": "b"}, "startsAt": "2026-11-28T02:00:00Z", "endsAt": "2026-11-28T01:00:00Z"},
    {"labels": {"a": "b"}, "startsAt": "yesterday"},
    {"labels": {"a": 5}},
    "not an object"
  ])");
  ASSERT_EQ(parsed.alerts.size(), 1u);
  EXPECT_EQ(parsed.alerts[0].labels.at("alertname"), "Good");
  ASSERT_EQ(parsed.errors.size(), 6u);
  EXPECT_EQ(parsed.errors[0].field, "[1].labels.bad-name");
  EXPECT_EQ(parsed.errors[1].field, "[2].labels");
  EXPECT_EQ(parsed.errors[1].message, "at least one label pair required");
  EXPECT_EQ(parsed.errors[2].field, "[3].endsAt");
  EXPECT_EQ(parsed.errors[3].field, "[4].startsAt");
  EXPECT_EQ(parsed.errors[4].field, "[5].labels.a");
  EXPECT_EQ(parsed.errors[5].field, "[6]");
}

struct LimitCase {
  const char* name;
  IngestLimits limits;
  std::string body;
  std::string expected_field;
};

IngestLimits With(void (*edit)(IngestLimits&)) {
  IngestLimits limits;
  edit(limits);
  return limits;
}

TEST(AlertmanagerFormatTest, EachLimitRefusesWithTheFieldNamed) {
  std::vector<LimitCase> cases = {
      {"alerts per request", With([](IngestLimits& l) { l.max_alerts_per_request = 2; }),
       R"([{"labels":{"a":"1"}},{"labels":{"a":"2"}},{"labels":{"a":"3"}}])", "body"},
      {"labels per alert", With([](IngestLimits& l) { l.max_labels_per_alert = 2; }),
       R"([{"labels":{"a":"1","b":"2","c":"3"}}])", "[0].labels"},
      {"label name length", With([](IngestLimits& l) { l.max_label_name_bytes = 4; }),
       R"([{"labels":{"toolong":"1"}}])", "[0].labels"},
      {"label value length", With([](IngestLimits& l) { l.max_label_value_bytes = 4; }),
       R"([{"labels":{"a":"toolong"}}])", "[0].labels.a"},
      {"annotation value length", With([](IngestLimits& l) { l.max_annotation_value_bytes = 4; }),
       R"([{"labels":{"a":"1"},"annotations":{"summary":"toolong"}}])", "[0].annotations.summary"},
  };
  for (const auto& test_case : cases) {
    auto parsed = ParseText(test_case.body, test_case.limits);
    EXPECT_TRUE(parsed.alerts.empty()) << test_case.name;
    ASSERT_FALSE(parsed.errors.empty()) << test_case.name;
    EXPECT_EQ(parsed.errors[0].field, test_case.expected_field) << test_case.name;
  }
}

TEST(AlertmanagerFormatTest, BodyMustBeAnArray) {
  auto parsed = ParseText(R"({"labels": {"a": "b"}})");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].field, "body");
}

TEST(AlertmanagerFormatTest, WebhookV4ReadsGroupFieldsAndTreatsGoZeroEndsAtAsOpen) {
  auto body = nlohmann::json::parse(R"({
    "version": "4", "groupKey": "{}:{alertname=\"FeatureDrift\"}", "truncatedAlerts": 2,
    "status": "firing", "receiver": "vakt", "externalURL": "http://am:9093",
    "groupLabels": {"alertname": "FeatureDrift"}, "commonLabels": {"alertname": "FeatureDrift"},
    "commonAnnotations": {"summary": "drift"},
    "alerts": [{"status": "firing", "labels": {"alertname": "FeatureDrift", "model": "fraud"},
                "annotations": {}, "startsAt": "2026-11-28T00:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prom/graph",
                "fingerprint": "ignored"}]
  })");
  auto message = ParseWebhookV4(body, kNow, {});
  ASSERT_TRUE(message.ok()) << message.status().ToString();
  EXPECT_EQ(message->truncated_alerts, 2);
  EXPECT_EQ(message->group_labels.at("alertname"), "FeatureDrift");
  ASSERT_EQ(message->parsed.alerts.size(), 1u);
  EXPECT_EQ(message->parsed.alerts[0].ends_at, kNow + 5 * 60 * 1000);
  EXPECT_EQ(message->parsed.alerts[0].source, AlertSource::kAlertmanagerWebhook);
}

TEST(AlertmanagerFormatTest, WebhookWithoutVersion4IsRefused) {
  auto result = ParseWebhookV4(nlohmann::json::parse(R"({"version": "3", "alerts": []})"), kNow, {});
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("version"), std::string::npos);
}

}  // namespace
}  // namespace vakt::ingest
