#include "ingest/postable_fast_path.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/json_parse.h"
#include "ingest/alertmanager_format.h"

namespace vakt::ingest {
namespace {

constexpr TimeMs kParsedAt = 1'795'000'000'000;

// General runs the path every request could take: strict DOM parse, then ParsePostableAlerts.
// Returns nullopt when that path would answer anything but "all stored".
std::optional<std::vector<Alert>> General(const std::string& body, const IngestLimits& limits) {
  JsonLimits json_limits;
  json_limits.max_depth = limits.max_json_depth;
  auto json = ParseJsonStrict(body, json_limits);
  if (!json.ok()) return std::nullopt;
  ParsedAlerts parsed = ParsePostableAlerts(*json, kParsedAt, limits);
  if (!parsed.errors.empty()) return std::nullopt;
  return parsed.alerts;
}

void ExpectSameAlerts(const std::vector<Alert>& fast, const std::vector<Alert>& general) {
  ASSERT_EQ(fast.size(), general.size());
  for (size_t idx = 0; idx < fast.size(); ++idx) {
    EXPECT_EQ(fast[idx].fingerprint, general[idx].fingerprint);
    EXPECT_EQ(fast[idx].labels, general[idx].labels);
    EXPECT_EQ(fast[idx].annotations, general[idx].annotations);
    EXPECT_EQ(fast[idx].starts_at, general[idx].starts_at);
    EXPECT_EQ(fast[idx].ends_at, general[idx].ends_at);
    EXPECT_EQ(fast[idx].updated_at, general[idx].updated_at);
    EXPECT_EQ(fast[idx].generator_url, general[idx].generator_url);
    EXPECT_EQ(fast[idx].source, general[idx].source);
  }
}

// A body as Prometheus (and the benchmark's load generator) sends it.
const std::string kPrometheusBody = R"([
  {"labels":{"alertname":"FeatureDrift","team":"team-01","instance":"node-000001","env":"prod"},
   "annotations":{"summary":"FeatureDrift on node-000001","runbook_url":"http://runbooks/x"},
   "startsAt":"2026-11-28T07:00:00.000Z","endsAt":"2026-11-28T08:00:00Z",
   "generatorURL":"http://127.0.0.1:9090/graph?g0.expr=up"},
  {"labels":{"alertname":"Late","instance":"b"},"endsAt":"2026-11-28T08:00:00+01:00"},
  {"labels":{"alertname":"NoTimes"},"startsAt":"","endsAt":"0001-01-01T00:00:00Z"}
])";

TEST(PostableFastPathTest, PlainPrometheusBodyGivesWhatTheStrictPathGives) {
  IngestLimits limits;
  auto fast = TryParsePostableAlertsFast(kPrometheusBody, kParsedAt, limits);
  auto general = General(kPrometheusBody, limits);
  ASSERT_TRUE(fast.has_value());
  ASSERT_TRUE(general.has_value());
  ExpectSameAlerts(*fast, *general);
  EXPECT_EQ((*fast)[2].starts_at, kParsedAt);                            // missing startsAt = now
  EXPECT_EQ((*fast)[2].ends_at, kParsedAt + limits.resolve_timeout_ms);  // missing endsAt
  EXPECT_EQ((*fast)[1].starts_at, (*fast)[1].ends_at);                   // only endsAt given
}

TEST(PostableFastPathTest, DeclinesEverythingOutsideThePlainShapeOrLimits) {
  IngestLimits limits;
  limits.max_labels_per_alert = 3;
  limits.max_label_value_bytes = 8;
  limits.max_alerts_per_request = 2;
  const char* declined[] = {
      R"([])",                                              // nothing to store
      R"({"labels":{"a":"b"}})",                            // not an array
      R"([{"labels":{"a":"b"}}] x)",                        // trailing data
      R"([{"labels":{"a":"b","a":"c"}}])",                  // duplicate label
      R"([{"labels":{"a":"b"},"labels":{"a":"b"}}])",       // duplicate key
      R"([{"labels":{"a":""}}])",                           // empty value (dropped)
      R"([{"labels":{}}])",                                 // no labels
      R"([{"annotations":{"s":"x"}}])",                     // labels missing
      R"([{"labels":{"1a":"b"}}])",                         // invalid name
      R"([{"labels":{"a":"b\n"}}])",                        // escape
      "[{\"labels\":{\"a\":\"\xc3\xa9\"}}]",                // non-ASCII
      R"([{"labels":{"a":"123456789"}}])",                  // value over the limit
      R"([{"labels":{"a":"b","c":"d","e":"f","g":"h"}}])",  // too many labels
      R"([{"labels":{"a":"b"}},{"labels":{"a":"c"}},{"labels":{"a":"d"}}])",  // too many alerts
      R"([{"labels":{"a":"b"},"status":{"state":"active"}}])",  // key it does not read
      R"([{"labels":{"a":"b"},"startsAt":null}])",              // null
      R"([{"labels":{"a":"b"},"startsAt":"yesterday"}])",       // bad time
      R"([{"labels":{"a":"b"},"startsAt":"2026-11-28T09:00:00Z","endsAt":"2026-11-28T08:00:00Z"}])",
      R"([{"labels":{"a":"b"},"generatorURL":7}])",  // number
      R"([{"labels":{"a":"b"}})",                    // truncated
  };
  for (const char* body : declined) {
    EXPECT_FALSE(TryParsePostableAlertsFast(body, kParsedAt, limits).has_value()) << body;
  }
  IngestLimits shallow;
  shallow.max_json_depth = 2;
  EXPECT_FALSE(
      TryParsePostableAlertsFast(R"([{"labels":{"a":"b"}}])", kParsedAt, shallow).has_value());
}

TEST(PostableFastPathTest, MutatedBodiesAreEitherDeclinedOrReadLikeTheStrictPath) {
  // Random byte edits of a valid body: whenever the fast path accepts the result, the strict path
  // must accept it too and produce the same alerts.
  IngestLimits limits;
  std::mt19937 random(28112026);
  const std::string alphabet = "{}[]\":, abz019_\\-TZ.\x01\xc3";
  size_t accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string body = kPrometheusBody;
    int edits = std::uniform_int_distribution<int>(1, 3)(random);
    for (int edit = 0; edit < edits; ++edit) {
      size_t at = std::uniform_int_distribution<size_t>(0, body.size() - 1)(random);
      char c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(random)];
      switch (std::uniform_int_distribution<int>(0, 2)(random)) {
        case 0:
          body[at] = c;
          break;
        case 1:
          body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          body.erase(at, 1);
          break;
      }
    }
    auto fast = TryParsePostableAlertsFast(body, kParsedAt, limits);
    if (!fast) continue;
    ++accepted;
    auto general = General(body, limits);
    ASSERT_TRUE(general.has_value()) << body;
    ExpectSameAlerts(*fast, *general);
  }
  EXPECT_GT(accepted, 100u);  // the comparison above must actually have run
}

}  // namespace
}  // namespace vakt::ingest
