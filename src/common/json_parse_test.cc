#include "common/json_parse.h"

#include <gtest/gtest.h>

namespace vakt {
namespace {

TEST(JsonParseTest, ParsesOrdinaryDocuments) {
  auto doc = ParseJsonStrict(R"({"a": [1, 2, {"b": "c"}], "d": null})");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ((*doc)["a"][2]["b"], "c");
}

TEST(JsonParseTest, RejectsNestingBeyondLimitWithoutRecursion) {
  std::string deep(100000, '[');
  auto doc = ParseJsonStrict(deep);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("deeper than 64"), std::string::npos);
  std::string ok_depth = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParseJsonStrict(ok_depth).ok());
  std::string too_deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_FALSE(ParseJsonStrict(too_deep).ok());
}

TEST(JsonParseTest, RejectsDuplicateKeysAndNamesThem) {
  auto doc = ParseJsonStrict(R"({"labels": {"a": "1", "a": "2"}})");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("duplicate key \"a\""), std::string::npos);
  // The same key in sibling objects is fine.
  EXPECT_TRUE(ParseJsonStrict(R"([{"a": 1}, {"a": 2}])").ok());
}

TEST(JsonParseTest, RejectsInvalidUtf8AndTrailingData) {
  auto bad = ParseJsonStrict("{\"a\": \"\xff\xfe\"}");
  ASSERT_FALSE(bad.ok());
  // The message must be serialisable as JSON: no raw input bytes echoed back.
  for (unsigned char c : bad.status().message()) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
  EXPECT_NO_THROW(nlohmann::json({{"detail", bad.status().message()}}).dump());
  EXPECT_FALSE(ParseJsonStrict("{} {}").ok());
  EXPECT_FALSE(ParseJsonStrict("").ok());
}

}  // namespace
}  // namespace vakt
