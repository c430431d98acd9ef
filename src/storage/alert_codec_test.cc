#include "storage/alert_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace vakt::storage {
namespace {

// What the general parser reads from `json`: the reference for every input the fast path takes.
LabelSet DecodeWithNlohmann(const std::string& json) {
  LabelSet labels;
  const nlohmann::json object = nlohmann::json::parse(json);
  for (const auto& [name, value] : object.items()) {
    labels[name] = value.get<std::string>();
  }
  return labels;
}

std::string RandomText(std::mt19937& rng) {
  // Plain ASCII most of the time; sometimes quotes, backslashes, control characters or UTF-8.
  static const std::vector<std::string> kPieces = {"a",
                                                   "Z",
                                                   "0",
                                                   "_",
                                                   "-",
                                                   ".",
                                                   "/",
                                                   " ",
                                                   ":",
                                                   ",",
                                                   "{",
                                                   "}",
                                                   "node-0001",
                                                   "prod",
                                                   "\"",
                                                   "\\",
                                                   "\n",
                                                   "\t",
                                                   std::string(1, '\x01'),
                                                   "\xc3\xa6",
                                                   "\xe2\x82\xac"};
  std::uniform_int_distribution<size_t> length(0, 12);
  std::uniform_int_distribution<size_t> plain(0, 13);
  std::uniform_int_distribution<size_t> any(0, kPieces.size() - 1);
  std::uniform_int_distribution<int> coin(0, 9);
  std::string text;
  for (size_t n = length(rng); n > 0; --n) text += kPieces[coin(rng) == 0 ? any(rng) : plain(rng)];
  return text;
}

TEST(AlertCodecTest, DecodeReturnsEveryEncodedLabelSetUnchanged) {
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<int> count(0, 12);
  for (int round = 0; round < 20'000; ++round) {
    LabelSet labels;
    for (int n = count(rng); n > 0; --n) labels[RandomText(rng)] = RandomText(rng);
    const std::string json = EncodeLabels(labels);
    auto decoded = DecodeLabels(json);
    ASSERT_TRUE(decoded.ok()) << json << ": " << decoded.status().ToString();
    ASSERT_EQ(*decoded, labels) << json;
    ASSERT_EQ(*decoded, DecodeWithNlohmann(json)) << json;
  }
}

TEST(AlertCodecTest, NonCanonicalJsonIsReadLikeTheGeneralParserReadsIt) {
  for (const std::string json :
       {R"({})", R"({ })", R"({"a":"b"})", R"({ "a" : "b" })", R"({"b":"1","a":"2"})",
        R"({"a":"\u0041\n"})", R"({"a":"x","a":"y"})", R"({"a":"x","A":"y"})",
        "{\"\xc3\xa6\":\"\xe2\x82\xac\"}", R"({"":""})"}) {
    auto decoded = DecodeLabels(json);
    ASSERT_TRUE(decoded.ok()) << json << ": " << decoded.status().ToString();
    EXPECT_EQ(*decoded, DecodeWithNlohmann(json)) << json;
  }
}

TEST(AlertCodecTest, MalformedStoredLabelsAreReportedAsCorruption) {
  for (const std::string json : {R"({"a":"b")", R"({"a":"b"}x)", R"({"a":1})", R"({"a"})",
                                 R"({"a":"b",})", R"({"a:"b"})", "", "{", R"("a")"}) {
    auto decoded = DecodeLabels(json);
    ASSERT_FALSE(decoded.ok()) << json;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption) << json;
  }
}

}  // namespace
}  // namespace vakt::storage
