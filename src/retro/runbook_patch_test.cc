#include "retro/runbook_patch.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runbook/loader.h"

namespace vakt::retro {
namespace {

std::string ExampleRunbook() {
  std::ifstream file(std::string(std::getenv("VAKT_SOURCE_DIR")) +
                     "/examples/runbooks/credit-prediction-drift.yaml");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> StabiliseIds(const runbook::Runbook& runbook) {
  std::vector<std::string> ids;
  for (const auto& step : runbook.stabilise) ids.push_back(step.id);
  return ids;
}

runbook::Runbook Parse(const std::string& text) {
  auto parsed = runbook::ParseRunbook(text, "patched.yaml");
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed : runbook::Runbook{};
}

TEST(RunbookPatchTest, AddedStepLandsAfterTheNamedStepAndVersionIncreases) {
  std::string source = ExampleRunbook();
  runbook::Runbook before = Parse(source);
  auto patched = ApplyRunbookPatch(source, nlohmann::json::parse(R"([
    {"op": "add", "after": "capture-scores",
     "step": {"id": "check-feature-freshness", "title": "Check feature freshness",
              "action": {"manual": {"instructions": "Look at the freshness dashboard"}}}}])"));
  ASSERT_TRUE(patched.ok()) << patched.status().message();
  runbook::Runbook after = Parse(*patched);
  std::vector<std::string> expected = StabiliseIds(before);
  expected.insert(expected.begin() + 1, "check-feature-freshness");
  EXPECT_EQ(StabiliseIds(after), expected);
  EXPECT_EQ(after.metadata.version, before.metadata.version + 1);
}

TEST(RunbookPatchTest, RemoveEditAndReorderApplyInOrder) {
  std::string source = ExampleRunbook();
  runbook::Runbook before = Parse(source);
  std::vector<std::string> ids = StabiliseIds(before);
  ASSERT_GE(ids.size(), 3u);
  nlohmann::json ops = nlohmann::json::array();
  ops.push_back({{"op", "edit"}, {"id", ids[0]}, {"step", {{"title", "Capture scores first"}}}});
  ops.push_back({{"op", "remove"}, {"id", ids[2]}});
  ops.push_back({{"op", "reorder"}, {"order", {ids[1], ids[0]}}});
  auto patched = ApplyRunbookPatch(source, ops);
  ASSERT_TRUE(patched.ok()) << patched.status().message();
  runbook::Runbook after = Parse(*patched);
  EXPECT_EQ(StabiliseIds(after), (std::vector<std::string>{ids[1], ids[0]}));
  EXPECT_EQ(after.stabilise[1].title, "Capture scores first");
}

TEST(RunbookPatchTest, UnknownStepIsRejectedNamingTheOperation) {
  auto patched = ApplyRunbookPatch(ExampleRunbook(),
                                   nlohmann::json::parse(R"([{"op": "remove", "id": "nope"}])"));
  ASSERT_FALSE(patched.ok());
  EXPECT_EQ(patched.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(patched.status().message().find("patch[0].id"), std::string::npos);
}

TEST(RunbookPatchTest, DuplicateStepIdAndIncompleteReorderAreRejected) {
  std::string source = ExampleRunbook();
  std::vector<std::string> ids = StabiliseIds(Parse(source));
  nlohmann::json duplicate = {{{"op", "add"}, {"step", {{"id", ids[0]}, {"title", "x"}}}}};
  EXPECT_FALSE(ApplyRunbookPatch(source, duplicate).ok());
  nlohmann::json partial = {{{"op", "reorder"}, {"order", {ids[0]}}}};
  EXPECT_FALSE(ApplyRunbookPatch(source, partial).ok());
  EXPECT_FALSE(ApplyRunbookPatch(source, nlohmann::json::array()).ok());
  EXPECT_FALSE(ApplyRunbookPatch(source, nlohmann::json::parse(R"([{"op": "rename"}])")).ok());
}

}  // namespace
}  // namespace vakt::retro
