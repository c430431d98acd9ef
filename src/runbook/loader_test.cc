#include "runbook/loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace vakt::runbook {
namespace {

namespace fs = std::filesystem;

fs::path TestData() {
  const char* source = std::getenv("VAKT_SOURCE_DIR");
  EXPECT_NE(source, nullptr) << "VAKT_SOURCE_DIR is set by vakt_add_test";
  return fs::path(source ? source : ".") / "tests/testdata/runbooks";
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every file in bad/ starts with "# expect: <text>"; loading it must fail with an error line
// "<file>:<text>..." (the text is a prefix of the message after the file name).
TEST(LoaderTest, EveryBadFixtureFailsWithItsExpectedError) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(TestData() / "bad")) {
    const std::string text = ReadAll(entry.path());
    const std::string kPrefix = "# expect: ";
    ASSERT_TRUE(text.starts_with(kPrefix)) << entry.path() << " lacks an expect line";
    const std::string expected = text.substr(kPrefix.size(), text.find('\n') - kPrefix.size());
    Result<Runbook> runbook = LoadRunbookFile(entry.path());
    ASSERT_FALSE(runbook.ok()) << entry.path() << " loaded but should fail with: " << expected;
    const std::string& message = runbook.status().message();
    const bool positional = !expected.empty() && expected[0] >= '0' && expected[0] <= '9';
    const std::string needle = positional ? entry.path().string() + ":" + expected : expected;
    EXPECT_NE(message.find(needle), std::string::npos)
        << entry.path().filename() << "\n  want: " << needle << "\n  got:  " << message;
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST(LoaderTest, GoodFixturesLoadWithEveryField) {
  Result<Runbook> runbook = LoadRunbookFile(TestData() / "good/every_action.yaml");
  ASSERT_TRUE(runbook.ok()) << runbook.status().message();
  const Runbook& rb = *runbook;
  EXPECT_EQ(rb.metadata.id, "every-action");
  EXPECT_EQ(rb.metadata.version, 3);
  EXPECT_EQ(rb.metadata.tags, (std::vector<std::string>{"test", "yes"}));
  EXPECT_EQ(rb.context.pipeline, "fraud-scoring");
  ASSERT_EQ(rb.detection.match.size(), 5u);
  EXPECT_EQ(rb.detection.match[0].ToString(), "pipeline=\"fraud-scoring\"");
  EXPECT_EQ(rb.detection.match[1].ToString(), "alertname=~\"FeatureDrift|PredictionDrift\"");
  EXPECT_EQ(rb.detection.match[2].ToString(), "severity!=\"info\"");
  EXPECT_EQ(rb.detection.match[3].ToString(), "severity!~\"debug|trace\"");
  EXPECT_EQ(rb.detection.match[4].ToString(), "country=\"no\"");
  EXPECT_TRUE(rb.detection.continue_matching);
  EXPECT_EQ(rb.detection.priority, -5);
  EXPECT_EQ(rb.detection.group_wait_ms, 45'000);
  EXPECT_EQ(rb.detection.group_interval_ms, 600'000);
  ASSERT_EQ(rb.stabilise.size(), 4u);
  const Step& shift = rb.stabilise[0];
  EXPECT_EQ(shift.risk, Risk::kHigh);
  ASSERT_TRUE(shift.approval.has_value());
  EXPECT_EQ(shift.approval->count, 2);
  EXPECT_EQ(shift.approval->expires_ms, 30 * 60'000);
  const auto& http = std::get<HttpAction>(shift.action);
  EXPECT_EQ(http.method, "PUT");
  EXPECT_EQ(http.expect_status, (std::vector<int>{200, 204}));
  ASSERT_TRUE(http.json.has_value());
  EXPECT_EQ(http.json->dump(),
            R"({"note":"yes","ratio":0.5,"sticky":false,"weights":{"{{incident.context.previous_version}}":100}})");
  EXPECT_EQ(std::get<CommandAction>(rb.stabilise[1].action).env,
            (std::vector<std::string>{"FEATURE_STORE_URL"}));
  const auto& capture = std::get<CaptureAction>(rb.stabilise[3].action);
  ASSERT_EQ(capture.sources.size(), 3u);
  EXPECT_EQ(capture.sources[0].name, "prediction-rate");
  EXPECT_EQ(capture.sources[0].range_ms, 2 * 3600'000);
  EXPECT_EQ(capture.sources[1].name, "http-2");
  EXPECT_EQ(capture.sources[2].argv.size(), 5u);
  ASSERT_TRUE(rb.investigate.diagnose.has_value());
  EXPECT_EQ(rb.investigate.diagnose->drift->method, "ks");
  EXPECT_DOUBLE_EQ(rb.investigate.diagnose->regression->baseline, 0.91);
  EXPECT_EQ(std::get<CheckAction>(rb.resolve.verify[0].action).for_ms, 600'000);
  EXPECT_EQ(rb.AllSteps().size(), 9u);
  // Templates are recorded with their positions for the linter.
  ASSERT_FALSE(rb.templates.empty());
  EXPECT_EQ(rb.templates[0].text,
            "https://grafana.example/d/fraud?var-model={{alert.labels.model}}");
  EXPECT_EQ(rb.templates[0].pos.line, 29);
  EXPECT_EQ(rb.content_hash, Sha256Hex(rb.source_text));
  EXPECT_EQ(rb.source_text, ReadAll(TestData() / "good/every_action.yaml"));
}

TEST(LoaderTest, OversizedFileIsRejectedBeforeParsing) {
  catalog::YamlLimits limits;
  limits.max_bytes = 64;
  Result<Runbook> runbook = LoadRunbookFile(TestData() / "good/every_action.yaml", limits);
  ASSERT_FALSE(runbook.ok());
  EXPECT_NE(runbook.status().message().find("every_action.yaml:1:1: file is"), std::string::npos)
      << runbook.status().message();
}

TEST(LoaderTest, SetLoadListsEveryBadFileAndBuildsNothing) {
  Result<RunbookSet> set = LoadRunbookSet({TestData() / "good", TestData() / "bad/unknown_key.yaml",
                                           TestData() / "bad/norway_problem.yaml"});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("unknown_key.yaml:5:3"), std::string::npos);
  EXPECT_NE(set.status().message().find("norway_problem.yaml:6:38"), std::string::npos);
}

TEST(LoaderTest, SetOrdersByPriorityThenPathAndRejectsDuplicates) {
  Result<RunbookSet> set = LoadRunbookSet({TestData() / "good"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  ASSERT_EQ(set->size(), 2u);
  EXPECT_EQ(set->runbooks()[0]->id(), "every-action");  // priority -5 first
  EXPECT_EQ(set->runbooks()[1]->id(), "minimal");
  EXPECT_NE(set->Find("minimal"), nullptr);
  EXPECT_EQ(set->default_runbook(), nullptr);

  Result<Runbook> a = ParseRunbook(ReadAll(TestData() / "good/minimal.yaml"), "a.yaml");
  Result<Runbook> b = ParseRunbook(ReadAll(TestData() / "good/minimal.yaml"), "b.yaml");
  ASSERT_TRUE(a.ok() && b.ok());
  Result<RunbookSet> dup = RunbookSet::Create({*a, *b});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "b.yaml: duplicate runbook id \"minimal\" (also in a.yaml)");
}

TEST(LoaderTest, SecondDefaultRunbookIsRejected) {
  const std::string text =
      "apiVersion: vakt/v1\nkind: Runbook\nmetadata: {id: ID, title: T}\n"
      "detection: {default: true}\n";
  auto make = [&](const std::string& id, const std::string& file) {
    std::string copy = text;
    copy.replace(copy.find("ID"), 2, id);
    Result<Runbook> runbook = ParseRunbook(copy, file);
    EXPECT_TRUE(runbook.ok()) << runbook.status().message();
    return std::move(runbook).value();
  };
  Result<RunbookSet> set = RunbookSet::Create({make("triage", "a.yaml"), make("other", "b.yaml")});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("second default runbook \"other\""), std::string::npos);
  Result<RunbookSet> one = RunbookSet::Create({make("triage", "a.yaml")});
  ASSERT_TRUE(one.ok());
  ASSERT_NE(one->default_runbook(), nullptr);
  EXPECT_EQ(one->default_runbook()->id(), "triage");
}

}  // namespace
}  // namespace vakt::runbook
