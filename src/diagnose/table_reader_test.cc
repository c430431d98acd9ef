#include "diagnose/table_reader.h"

#include <gtest/gtest.h>

#include <sstream>

namespace vakt::diagnose {
namespace {

Result<Table> Csv(const std::string& text, const TableSchema& schema = {}) {
  std::istringstream in(text);
  return ReadCsv(in, "t.csv", schema);
}

const TableColumn& Column(const Table& t, const std::string& name) {
  for (const TableColumn& c : t.columns) {
    if (c.name == name) return c;
  }
  static const TableColumn kNone;
  ADD_FAILURE() << "no column " << name;
  return kNone;
}

TEST(ReadCsvTest, QuotedFieldsEmbeddedCommasQuotesAndNewlines) {
  TableSchema schema;
  schema.categorical = {"city"};
  Result<Table> t = Csv("x,city\r\n1.5,\"Oslo, NO\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n", schema);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(3, t->rows);
  EXPECT_EQ((std::vector<double>{1.5, 2, 3}), Column(*t, "x").sample.numbers);
  EXPECT_EQ((std::vector<std::string>{"Oslo, NO", "say \"hi\"", "two\nlines"}),
            Column(*t, "city").sample.strings);
}

TEST(ReadCsvTest, EmptyNanAndInfinityAreMissing) {
  Result<Table> t = Csv("a,b\n1,\nNaN,2\n,inf\n4,-5e-1");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((std::vector<double>{1, 4}), Column(*t, "a").sample.numbers);
  EXPECT_EQ(4, Column(*t, "a").sample.raw_count);
  EXPECT_EQ((std::vector<double>{2, -0.5}), Column(*t, "b").sample.numbers);
}

TEST(ReadCsvTest, SelectsRequestedColumnsOnly) {
  TableSchema schema;
  schema.columns = {"c"};
  Result<Table> t = Csv("a,b,c\nx,y,1\n", schema);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(1u, t->columns.size());
  EXPECT_EQ("c", t->columns[0].name);
}

TEST(ReadCsvTest, MalformedInputNamesFileLineAndColumn) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"a,b\n1,2\n3,x\"y\n", "t.csv:3:4: bare '\"' in an unquoted field"},
      {"a,b\n1,\"2\"x\n", "t.csv:2:6: unexpected character after closing quote"},
      {"a,b\n1,\"open\n", "t.csv:2:3: quoted field is not closed before end of file"},
      {"a,b\n1,2\n3\n", "t.csv:3:1: row has 1 fields, header has 2"},
      {"a,b\n1,2\n3,abc\n", "t.csv:3:3: column 'b': 'abc' is not a number"},
      {"a,a\n1,2\n", "duplicate column 'a'"},
  };
  for (const Case& c : cases) {
    Result<Table> t = Csv(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_NE(std::string::npos, t.status().message().find(c.message))
        << "got: " << t.status().message();
  }
}

TEST(ReadJsonLinesTest, KeysBecomeColumnsAndAbsentKeysAreMissing) {
  TableSchema schema;
  schema.categorical = {"c"};
  std::istringstream in("{\"x\": 1, \"c\": \"a\"}\n\n{\"c\": \"b\", \"y\": 2.5}\n{\"x\": null, \"y\": \"3\"}\n");
  Result<Table> t = ReadJsonLines(in, "t.jsonl", schema);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(3, t->rows);
  EXPECT_EQ((std::vector<double>{1}), Column(*t, "x").sample.numbers);
  EXPECT_EQ(3, Column(*t, "x").sample.raw_count);
  EXPECT_EQ((std::vector<double>{2.5, 3}), Column(*t, "y").sample.numbers);
  EXPECT_EQ(3, Column(*t, "y").sample.raw_count);
  EXPECT_EQ((std::vector<std::string>{"a", "b"}), Column(*t, "c").sample.strings);
}

TEST(ReadJsonLinesTest, BadLineNamesTheLine) {
  std::istringstream in("{\"x\": 1}\n{\"x\": \n");
  Result<Table> t = ReadJsonLines(in, "t.jsonl", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(std::string::npos, t.status().message().find("t.jsonl:2: invalid JSON"));
}

}  // namespace
}  // namespace vakt::diagnose
