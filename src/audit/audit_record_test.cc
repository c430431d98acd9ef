#include "audit/audit_record.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/time_format.h"

namespace vakt::audit {
namespace {

AuditRecord SampleRecord() {
  AuditRecord record;
  record.seq = 7;
  record.time = 1'764'291'723'456;  // 2025-11-28T01:02:03.456Z
  record.event.actor = "user:alice";
  record.event.action = "incident.acknowledge";
  record.event.subject = "incident/INC-42";
  record.event.details = {{"note", "on it — ø"}, {"attempt", 2}, {"b", {{"z", 1}, {"a", true}}}};
  return record;
}

TEST(AuditRecordTest, CanonicalFormIsSortedCompactUtf8) {
  auto canonical = CanonicalAuditJson(SampleRecord());
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  EXPECT_EQ(*canonical,
            "{\"action\":\"incident.acknowledge\",\"actor\":\"user:alice\",\"details\":"
            "{\"attempt\":2,\"b\":{\"a\":true,\"z\":1},\"note\":\"on it — ø\"},\"seq\":7,"
            "\"subject\":\"incident/INC-42\",\"time\":\"2025-11-28T01:02:03.456Z\",\"v\":1}");
}

// The bytes CanonicalAuditJson wrote before it was written field by field: the record built as
// one nlohmann object and dumped. Every leaf hash ever stored depends on these bytes matching.
std::string ObjectAndDumpForm(const AuditRecord& record) {
  const AuditEvent& event = record.event;
  nlohmann::json object = {
      {"v", kAuditRecordVersion},
      {"seq", record.seq},
      {"time", FormatRfc3339(record.time)},
      {"actor", event.actor},
      {"action", event.action},
      {"subject", event.subject},
      {"details", event.details.is_null() ? nlohmann::json::object() : event.details},
  };
  if (!event.digest.empty()) object["digest"] = event.digest;
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

TEST(AuditRecordTest, CanonicalFormIsByteForByteTheObjectAndDumpForm) {
  std::vector<AuditRecord> records;
  records.push_back(SampleRecord());
  AuditRecord with_digest = SampleRecord();
  with_digest.event.digest = std::string(32, 'a') + std::string(32, '0');
  records.push_back(with_digest);
  AuditRecord null_details = SampleRecord();
  null_details.event.details = nullptr;
  records.push_back(null_details);
  AuditRecord empty_details = SampleRecord();
  empty_details.event.details = nlohmann::json::object();
  empty_details.seq = 18'446'744'073'709'551'615u;
  empty_details.time = 0;
  records.push_back(empty_details);
  AuditRecord escapes = SampleRecord();
  escapes.event.actor = "user:\"quoted\" \\ back\tslash\n\x01\x1f\x7f";
  escapes.event.action = "a/b</script>";
  escapes.event.subject = "incident/ü€😀";
  escapes.event.details = {{"\u00e9\"k", {1, -2, "x\ny", nullptr, false, {{"deep", {{"z", {}}}}}}},
                           {"big", 9'007'199'254'740'993},
                           {"neg", -9'223'372'036'854'775'807LL},
                           {"", ""}};
  records.push_back(escapes);
  for (const AuditRecord& record : records) {
    auto canonical = CanonicalAuditJson(record);
    ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
    EXPECT_EQ(*canonical, ObjectAndDumpForm(record));
    auto parsed = ParseAuditRecord(*canonical);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << " in " << *canonical;
  }
}

TEST(AuditRecordTest, ParseRoundTripsAndDigestIsKept) {
  AuditRecord record = SampleRecord();
  record.event.digest = std::string(64, 'a');
  auto canonical = CanonicalAuditJson(record);
  ASSERT_TRUE(canonical.ok());
  auto parsed = ParseAuditRecord(*canonical);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->seq, 7u);
  EXPECT_EQ(parsed->time, record.time);
  EXPECT_EQ(parsed->event.digest, record.event.digest);
  EXPECT_EQ(parsed->event.details, record.event.details);
  EXPECT_EQ(*CanonicalAuditJson(*parsed), *canonical);
}

TEST(AuditRecordTest, InvalidRecordsAreRefused) {
  struct Case {
    const char* name;
    void (*mutate)(AuditRecord&);
  };
  const Case cases[] = {
      {"empty actor", [](AuditRecord& r) { r.event.actor.clear(); }},
      {"float detail", [](AuditRecord& r) { r.event.details["x"] = 0.5; }},
      {"array details", [](AuditRecord& r) { r.event.details = nlohmann::json::array(); }},
      {"uppercase digest", [](AuditRecord& r) { r.event.digest = std::string(64, 'A'); }},
      {"short digest", [](AuditRecord& r) { r.event.digest = "abc"; }},
      {"invalid utf8", [](AuditRecord& r) { r.event.subject = "bad\xff"; }},
  };
  for (const auto& c : cases) {
    AuditRecord record = SampleRecord();
    c.mutate(record);
    EXPECT_EQ(CanonicalAuditJson(record).status().code(), StatusCode::kInvalidArgument) << c.name;
  }
}

TEST(AuditRecordTest, NonCanonicalBytesAreCorruption) {
  const std::string good = *CanonicalAuditJson(SampleRecord());
  const std::string cases[] = {
      good.substr(0, good.size() - 1),                                // truncated
      " " + good,                                                     // whitespace
      "{\"v\":1,\"seq\":7" + good.substr(good.find(",\"subject\"")),  // reordered keys, fields lost
      std::string(good).replace(good.find("\"v\":1"), 5, "\"v\":1.0"),
      std::string(good).replace(good.find("\"seq\":7"), 7, "\"seq\":07"),
      std::string(good).replace(good.find("}"), 1, ",\"extra\":1}"),
      std::string(good).replace(good.find("\"v\":1}"), 6, "\"v\":1,\"zz\":1}"),
  };
  for (const auto& bytes : cases) {
    auto parsed = ParseAuditRecord(bytes);
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption) << bytes;
  }
}

}  // namespace
}  // namespace vakt::audit
