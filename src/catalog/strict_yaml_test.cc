#include "catalog/strict_yaml.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time_format.h"

namespace vakt::catalog {
namespace {

// ParseError returns the diagnostics of parsing `text`, or "" when it parses.
std::string ParseError(const std::string& text, const YamlLimits& limits = {}) {
  Diagnostics diags("t.yaml");
  YamlNode root;
  const bool ok = ParseStrictYaml(text, limits, diags, &root);
  EXPECT_EQ(ok, diags.empty());
  return diags.ToStatus().message();
}

TEST(StrictYamlTest, ParsesPlainDocumentWithPositions) {
  Diagnostics diags("t.yaml");
  YamlNode root;
  ASSERT_TRUE(ParseStrictYaml("a: 1\nb:\n  - \"x\"\n  - y\n", {}, diags, &root));
  ASSERT_EQ(root.kind, YamlNode::Kind::kMap);
  ASSERT_EQ(root.keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(root.key_pos[1].line, 2);
  const YamlNode& list = root.items[1];
  ASSERT_EQ(list.items.size(), 2u);
  EXPECT_FALSE(list.items[0].plain);
  EXPECT_TRUE(list.items[1].plain);
  EXPECT_EQ(list.items[1].pos.line, 4);
  EXPECT_EQ(list.items[1].pos.column, 5);
}

TEST(StrictYamlTest, RejectsHostileInputWithPositions) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"a: 1\nb: 2\na: 3\n", "t.yaml:3:1: duplicate key \"a\" (first at 1:1)"},
      {"a: !include other.yaml\n", "t.yaml:1:4: tag \"!include\" is not allowed"},
      {"a: !!python/object:os.system x\n", "tag \"tag:yaml.org,2002:python/object:os.system\""},
      {"a: !!str 5\n", "tag \"tag:yaml.org,2002:str\" is not allowed"},
      {"[1, 2]: x\n", "1:1: mapping keys must be strings"},
      {"on: x\n", "1:1: ambiguous key \"on\""},
      {"a: [1, 2\n", "t.yaml:2:1:"},
      {"a: 1\n---\nb: 2\n", "more than one YAML document"},
      {"", "1:1: empty document"},
      {std::string(5000, '['), "1:1: nesting deeper than 48 levels"},
      {"a:\n" + [] {
         std::string deep;
         for (int level = 1; level < 60; ++level) deep += std::string(level * 2, ' ') + "k:\n";
         return deep;
       }(),
       "nesting deeper than 48 levels"},
  };
  for (const Case& c : cases) {
    EXPECT_NE(ParseError(c.text).find(c.expected), std::string::npos)
        << "input: " << c.text.substr(0, 80) << "\ngot: " << ParseError(c.text);
  }
}

TEST(StrictYamlTest, RejectsBillionLaughsByNodeBudget) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 9; ++level) {
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int copy = 0; copy < 10; ++copy) {
      text += (copy ? ", *a" : "*a") + std::to_string(level - 1);
    }
    text += "]\n";
  }
  EXPECT_NE(ParseError(text).find("document expands to more than 10000 nodes"),
            std::string::npos);
}

TEST(StrictYamlTest, RejectsFilesOverSizeCap) {
  YamlLimits limits;
  limits.max_bytes = 16;
  EXPECT_EQ(ParseError("a: 0123456789abcdef\n", limits),
            "t.yaml:1:1: file is 20 bytes, over the 16 byte limit");
}

TEST(StrictYamlTest, BlockScalarsAndQuotedBracketsDoNotCountAsNesting) {
  std::string text = "a: |\n";
  for (int line = 0; line < 100; ++line) text += "  [[[[[[[[[[{{{{{{{{{{\n";
  text += "b: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n";
  EXPECT_EQ(ParseError(text), "");
}

TEST(StrictYamlTest, Yaml11AmbiguityTable) {
  struct Case {
    const char* text;
    bool ambiguous;
  };
  const Case cases[] = {
      {"yes", true},   {"No", true},       {"off", true},     {"y", true},      {"~", true},
      {"010", true},   {"0x1F", true},     {"1:30", true},    {"22:00", true},  {"1.10", true},
      {"1e3", true},   {".inf", true},     {"2025-01-17", true}, {"hello", false}, {"10", false},
      {"0", false},    {"v1.2.3", false},  {"fraud-scoring", false}, {"5m", false},
      {"true-ish", false}, {"a:b", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(!Yaml11Ambiguity(c.text).empty(), c.ambiguous) << c.text;
  }
}

TEST(StrictYamlTest, TypedReadersRejectWrongTypesAndAmbiguity) {
  Diagnostics diags("t.yaml");
  YamlNode root;
  ASSERT_TRUE(ParseStrictYaml(
      "s: no\nq: \"no\"\nb: yes\nqb: \"true\"\nok: true\ni: 012\nd: 5\nl: x\n", {}, diags, &root));
  MapReader map(root, diags, "test");
  std::string text;
  bool flag = false;
  std::int64_t number = 0;
  TimeMs duration = 0;
  std::vector<std::string> list;
  EXPECT_FALSE(ReadString(*map.Get("s"), diags, &text));
  EXPECT_TRUE(ReadString(*map.Get("q"), diags, &text));
  EXPECT_EQ(text, "no");
  EXPECT_FALSE(ReadBool(*map.Get("b"), diags, &flag));
  EXPECT_FALSE(ReadBool(*map.Get("qb"), diags, &flag));
  EXPECT_TRUE(ReadBool(*map.Get("ok"), diags, &flag));
  EXPECT_TRUE(flag);
  EXPECT_FALSE(ReadInt(*map.Get("i"), diags, 0, 100, &number));
  EXPECT_FALSE(ReadDuration(*map.Get("d"), diags, &duration));
  EXPECT_FALSE(ReadStringList(*map.Get("l"), diags, &list));
  map.Finish();
  EXPECT_EQ(diags.ToStatus().message(),
            "t.yaml:1:4: ambiguous scalar \"no\": YAML 1.1 reads it as a boolean; quote it if you "
            "mean a string\n"
            "t.yaml:3:4: ambiguous boolean \"yes\": write true or false\n"
            "t.yaml:4:5: expected a boolean (true or false), got the quoted string \"true\"\n"
            "t.yaml:6:4: expected a decimal integer, got \"012\"\n"
            "t.yaml:7:4: invalid duration \"5\": " +
                [] {
                  auto r = ParseDuration("5");
                  return r.status().message();
                }() +
                " (e.g. 30s, 5m, 1h30m)\n"
                "t.yaml:8:4: expected a list of strings, got a scalar");
}

TEST(StrictYamlTest, MapReaderReportsUnknownAndMissingKeys) {
  Diagnostics diags("t.yaml");
  YamlNode root;
  ASSERT_TRUE(ParseStrictYaml("id: a\ntittle: b\n", {}, diags, &root));
  MapReader map(root, diags, "metadata");
  EXPECT_NE(map.Require("id"), nullptr);
  EXPECT_EQ(map.Require("title"), nullptr);
  map.Finish();
  EXPECT_EQ(diags.ToStatus().message(),
            "t.yaml:1:1: missing required key \"title\" in metadata\n"
            "t.yaml:2:1: unknown key \"tittle\" in metadata");
}

}  // namespace
}  // namespace vakt::catalog
