#include "retro/line_diff.h"

#include <gtest/gtest.h>

#include <random>

namespace vakt::retro {
namespace {

// Rebuild both sides from the script: keep+delete lines are `before`, keep+insert are `after`.
void ExpectScriptReproduces(const std::vector<std::string>& before,
                            const std::vector<std::string>& after) {
  std::vector<std::string> left;
  std::vector<std::string> right;
  for (const DiffLine& line : DiffLines(before, after)) {
    if (line.kind != DiffLine::Kind::kInsert) left.push_back(line.text);
    if (line.kind != DiffLine::Kind::kDelete) right.push_back(line.text);
  }
  EXPECT_EQ(left, before);
  EXPECT_EQ(right, after);
}

size_t EditCount(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  size_t edits = 0;
  for (const DiffLine& line : DiffLines(before, after)) edits += line.kind != DiffLine::Kind::kKeep;
  return edits;
}

TEST(LineDiffTest, IdenticalTextsHaveNoDiff) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "v1", "v2"), "");
}

TEST(LineDiffTest, ChangedLineIsOneHunkWithContext) {
  std::string before = "a\nb\nc\nd\ne\nf\ng\nh\n";
  std::string after = "a\nb\nc\nd\nE\nf\ng\nh\n";
  // Same output as `diff -u`.
  EXPECT_EQ(UnifiedDiff(before, after, "v1", "v2"),
            "--- v1\n+++ v2\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
}

TEST(LineDiffTest, DistantChangesAreSeparateHunks) {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
  std::string after = "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n";
  EXPECT_EQ(UnifiedDiff(before, after, "a", "b", 2),
            "--- a\n+++ b\n@@ -1,3 +1,3 @@\n-1\n+one\n 2\n 3\n@@ -10,3 +10,3 @@\n 10\n 11\n-12\n"
            "+twelve\n");
}

TEST(LineDiffTest, InsertionIntoEmptyTextNamesLineZero) {
  EXPECT_EQ(UnifiedDiff("", "x\ny\n", "a", "b"), "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n");
}

TEST(LineDiffTest, AppendedLineAfterThreeLines) {
  EXPECT_EQ(UnifiedDiff("a\nb\nc\n", "a\nb\nc\nd\n", "a", "b", 0),
            "--- a\n+++ b\n@@ -3,0 +4 @@\n+d\n");
}

TEST(LineDiffTest, ScriptIsShortest) {
  // Classic Myers example: ABCABBA → CBABAC needs 5 edits.
  std::vector<std::string> before = {"A", "B", "C", "A", "B", "B", "A"};
  std::vector<std::string> after = {"C", "B", "A", "B", "A", "C"};
  EXPECT_EQ(EditCount(before, after), 5u);
  ExpectScriptReproduces(before, after);
}

TEST(LineDiffTest, RandomScriptsReproduceBothSides) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> before;
    std::vector<std::string> after;
    int before_size = static_cast<int>(random() % 12);
    int after_size = static_cast<int>(random() % 12);
    for (int index = 0; index < before_size; ++index) before.push_back(std::string(1, 'a' + random() % 3));
    for (int index = 0; index < after_size; ++index) after.push_back(std::string(1, 'a' + random() % 3));
    ExpectScriptReproduces(before, after);
    EXPECT_LE(EditCount(before, after), before.size() + after.size());
  }
}

}  // namespace
}  // namespace vakt::retro
