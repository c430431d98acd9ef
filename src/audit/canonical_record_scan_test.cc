#include "audit/canonical_record_scan.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "audit/audit_record.h"

namespace vakt::audit {
namespace {

// Strings drawn from bytes that exercise every branch of the string grammar: escapes, control
// characters, DEL, '/', multi-byte UTF-8 of each length, and plain ASCII.
std::string RandomString(std::mt19937& rng, bool allow_empty = true) {
  static const std::vector<std::string> pieces = {
      "a",        "Z",    "0",         "/",    "\"",
      "\\",       "\b",   "\f",        "\n",   "\r",
      "\t",       "\x01", "\x1f",      "\x7f", std::string(1, '\0'),
      "é",        "ø",    "—",         "€",    "\xf0\x9f\x98\x80",
      "incident", " ",    ",\"seq\":", "{",    "}",
      "[",        "]",    ":"};
  std::uniform_int_distribution<int> length(allow_empty ? 0 : 1, 6);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::string text;
  for (int n = length(rng); n > 0; --n) text += pieces[pick(rng)];
  return text;
}

nlohmann::json RandomValue(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth >= 4 ? 5 : 7);
  switch (kind(rng)) {
    case 0:
      return nullptr;
    case 1:
      return std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    case 2: {
      static const std::vector<std::int64_t> edges = {0, 1, -1, 9, 10, -10, INT64_MAX, INT64_MIN};
      return edges[std::uniform_int_distribution<size_t>(0, edges.size() - 1)(rng)];
    }
    case 3:
      return std::uniform_int_distribution<std::uint64_t>()(rng);
    case 4:
    case 5:
      return RandomString(rng);
    case 6: {
      nlohmann::json array = nlohmann::json::array();
      for (int n = std::uniform_int_distribution<int>(0, 3)(rng); n > 0; --n) {
        array.push_back(RandomValue(rng, depth + 1));
      }
      return array;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      for (int n = std::uniform_int_distribution<int>(0, 4)(rng); n > 0; --n) {
        object[RandomString(rng)] = RandomValue(rng, depth + 1);
      }
      return object;
    }
  }
}

AuditRecord RandomRecord(std::mt19937& rng) {
  AuditRecord record;
  record.seq = std::uniform_int_distribution<int>(0, 3)(rng) == 0
                   ? std::uniform_int_distribution<std::uint64_t>()(rng)
                   : std::uniform_int_distribution<std::uint64_t>(0, 2'000'000)(rng);
  record.time = std::uniform_int_distribution<TimeMs>(0, 4'102'444'800'000)(rng);
  record.event.actor = RandomString(rng, false);
  record.event.action = RandomString(rng, false);
  record.event.subject = RandomString(rng, false);
  record.event.details = nlohmann::json::object();
  for (int n = std::uniform_int_distribution<int>(0, 4)(rng); n > 0; --n) {
    record.event.details[RandomString(rng)] = RandomValue(rng, 1);
  }
  if (std::uniform_int_distribution<int>(0, 1)(rng) == 1) {
    record.event.digest = std::string(32, 'a') + std::string(32, '0');
  }
  return record;
}

// Same verdict as the reference, and on acceptance the same fields. The one allowed difference
// is a time before 1970, which the scanner leaves to the reference (it only costs time).
void ExpectSameVerdict(std::string_view data, const std::string& what) {
  const auto scanned = ScanCanonicalRecord(data);
  const auto reference = ParseAuditRecord(data);
  if (!scanned && reference.ok() && reference->time < 0) return;
  ASSERT_EQ(scanned.has_value(), reference.ok())
      << what << ": scanner " << (scanned ? "accepts" : "refuses") << ", reference says "
      << reference.status().ToString() << "\n  bytes: " << data;
  if (scanned) {
    EXPECT_EQ(scanned->seq, reference->seq) << what;
    EXPECT_EQ(scanned->time, reference->time) << what;
    EXPECT_EQ(scanned->action, reference->event.action) << what;
    EXPECT_EQ(scanned->subject, reference->event.subject) << what;
  }
}

TEST(CanonicalRecordScanTest, AcceptsEveryGeneratedCanonicalRecordWithTheReferenceFields) {
  std::mt19937 rng(20261128);
  int accepted = 0;
  for (int n = 0; n < 3000; ++n) {
    auto canonical = CanonicalAuditJson(RandomRecord(rng));
    ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
    ExpectSameVerdict(*canonical, "generated #" + std::to_string(n));
    accepted += ScanCanonicalRecord(*canonical).has_value() ? 1 : 0;
  }
  EXPECT_EQ(accepted, 3000);
}

// Random single edits of canonical records: whatever the reference refuses, the scanner refuses
// (and the other way round, so the fast path is not silently skipped).
TEST(CanonicalRecordScanTest, MutatedRecordsGetTheReferenceVerdict) {
  std::mt19937 rng(7);
  static const std::string inserts[] = {
      " ", "\"", "\\", "/",   ",",       "0",       "-",       ".",    "e",        "1",
      "}", "{",  "]",  "\\/", "\\u0041", "\\u001F", "\\u000a", "\x80", "\xc0\xaf", "\xed\xa0\x80"};
  int refused = 0;
  for (int n = 0; n < 3000; ++n) {
    auto canonical = CanonicalAuditJson(RandomRecord(rng));
    ASSERT_TRUE(canonical.ok());
    std::string data = *canonical;
    std::uniform_int_distribution<size_t> at(0, data.size() - 1);
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
      case 0:
        data[at(rng)] ^= static_cast<char>(1 << std::uniform_int_distribution<int>(0, 7)(rng));
        break;
      case 1:
        data.erase(at(rng), 1);
        break;
      case 2:
        data.insert(at(rng),
                    inserts[std::uniform_int_distribution<size_t>(0, std::size(inserts) - 1)(rng)]);
        break;
      default: {
        const size_t pos = std::uniform_int_distribution<size_t>(0, data.size() - 2)(rng);
        std::swap(data[pos], data[pos + 1]);
      }
    }
    ExpectSameVerdict(data, "mutation #" + std::to_string(n));
    refused += ScanCanonicalRecord(data).has_value() ? 0 : 1;
  }
  EXPECT_GT(refused, 1000);  // the edits mostly break canonical form
}

TEST(CanonicalRecordScanTest, NamedNonCanonicalVariantsAreRefusedLikeTheReference) {
  AuditRecord record;
  record.seq = 12;
  record.time = 1'764'291'723'456;
  record.event = {
      "user:alice", "incident.acknowledge", "incident/INC-7", {{"a", 1}, {"b", "x/y"}}, ""};
  const std::string good = *CanonicalAuditJson(record);
  ExpectSameVerdict(good, "canonical");
  ASSERT_TRUE(ScanCanonicalRecord(good).has_value());
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string data = good;
    const size_t pos = data.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return data.replace(pos, from.size(), to);
  };
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"reordered top-level keys",
       replaced("\"action\":\"incident.acknowledge\",\"actor\":\"user:alice\"",
                "\"actor\":\"user:alice\",\"action\":\"incident.acknowledge\"")},
      {"reordered detail keys", replaced("{\"a\":1,\"b\":\"x/y\"}", "{\"b\":\"x/y\",\"a\":1}")},
      {"duplicate detail key", replaced("{\"a\":1,", "{\"a\":1,\"a\":1,")},
      {"space after colon", replaced("\"seq\":12", "\"seq\": 12")},
      {"trailing newline", good + "\n"},
      {"escaped slash", replaced("x/y", "x\\/y")},
      {"needless unicode escape", replaced("user:alice", "user:\\u0061lice")},
      {"uppercase control escape", replaced("x/y", "x\\u001Fy")},
      {"long form of a short escape", replaced("x/y", "x\\u000ay")},
      {"leading zero", replaced("\"a\":1", "\"a\":01")},
      {"negative zero", replaced("\"a\":1", "\"a\":-0")},
      {"float", replaced("\"a\":1", "\"a\":1.0")},
      {"exponent", replaced("\"a\":1", "\"a\":1e0")},
      {"seq beyond uint64", replaced("\"seq\":12", "\"seq\":18446744073709551616")},
      {"negative seq", replaced("\"seq\":12", "\"seq\":-12")},
      {"empty digest", replaced(",\"seq\"", ",\"digest\":\"\",\"seq\"")},
      {"uppercase digest",
       replaced(",\"seq\"", ",\"digest\":\"" + std::string(64, 'A') + "\",\"seq\"")},
      {"time without milliseconds", replaced(".456Z", "Z")},
      {"time with offset", replaced("01:02:03.456Z", "02:02:03.456+01:00")},
      {"unknown field", replaced(",\"v\":1}", ",\"v\":1,\"w\":1}")},
      {"version 2", replaced("\"v\":1}", "\"v\":2}")},
      {"details not an object", replaced("{\"a\":1,\"b\":\"x/y\"}", "[1]")},
      {"empty subject", replaced("incident/INC-7", "")},
      {"overlong utf-8", replaced("x/y", "x\xc0\xafy")},
      {"surrogate in utf-8", replaced("x/y", "x\xed\xa0\x80y")},
      {"raw control character", replaced("x/y", "x\ty")},
  };
  for (const auto& [name, data] : variants) {
    EXPECT_FALSE(ScanCanonicalRecord(data).has_value()) << name;
    EXPECT_FALSE(ParseAuditRecord(data).ok()) << name;
  }
}

TEST(CanonicalRecordScanTest, TimesGetTheReferenceVerdict) {
  AuditRecord record;
  record.time = 1'764'291'723'456;
  record.event = {"a", "b", "c", nlohmann::json::object(), ""};
  const std::string good = *CanonicalAuditJson(record);
  const std::string stamp = "2025-11-28T01:02:03.456Z";
  ASSERT_NE(good.find(stamp), std::string::npos);
  const char* times[] = {
      "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z",  "2000-02-29T12:00:00.000Z",
      "2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00.000Z",  "2100-02-29T00:00:00.000Z",
      "2025-12-31T23:59:59.999Z", "2025-13-01T00:00:00.000Z",  "2025-04-31T00:00:00.000Z",
      "2025-11-28T24:00:00.000Z", "2025-11-28T23:60:00.000Z",  "2025-11-28T23:59:60.000Z",
      "2025-11-28T01:02:03.45Z",  "2025-11-28T01:02:03.4567Z", "2025-11-28t01:02:03.456Z",
      "2025-11-28T01:02:03.456z", "9999-12-31T23:59:59.999Z",  "0000-01-01T00:00:00.000Z",
      "2025-00-10T00:00:00.000Z", "2025-11-00T00:00:00.000Z"};
  int accepted = 0;
  for (const char* time : times) {
    std::string data = good;
    data.replace(data.find(stamp), stamp.size(), time);
    ExpectSameVerdict(data, time);
    accepted += ScanCanonicalRecord(data).has_value() ? 1 : 0;
  }
  EXPECT_EQ(accepted, 5);  // 1970-01-01, the two real leap days, 2025-12-31 and 9999-12-31
}

TEST(CanonicalRecordScanTest, NestingLimitMatchesTheReference) {
  AuditRecord record;
  record.time = 1'764'291'723'456;
  record.event = {"a", "b", "c", nlohmann::json::object(), ""};
  // The record is level 1 and details level 2; ParseJsonStrict allows 64 levels.
  for (int levels : {62, 63, 64}) {
    nlohmann::json value = 1;
    for (int n = 0; n < levels; ++n) value = nlohmann::json::array({value});
    record.event.details = {{"deep", value}};
    auto canonical = CanonicalAuditJson(record);
    ASSERT_TRUE(canonical.ok());
    ExpectSameVerdict(*canonical, std::to_string(levels) + " nested arrays");
  }
}

}  // namespace
}  // namespace vakt::audit
