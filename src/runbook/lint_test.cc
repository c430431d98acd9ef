#include "runbook/lint.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runbook/loader.h"

namespace vakt::runbook {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() {
  const char* source = std::getenv("VAKT_SOURCE_DIR");
  EXPECT_NE(source, nullptr);
  return source ? source : ".";
}

catalog::Catalog ExampleCatalog() {
  Result<catalog::Catalog> catalog =
      catalog::LoadCatalogFile(SourceDir() / "examples/pipelines.yaml");
  EXPECT_TRUE(catalog.ok()) << catalog.status().message();
  return catalog.ok() ? *catalog : catalog::Catalog();
}

// Each file in tests/testdata/runbooks/lint/ lists its expected findings in leading comment lines
// "# expect-lint: <line>:<column>: <message> [<check>]"; linting it must produce exactly those.
TEST(LintTest, EveryLintFixtureProducesExactlyItsExpectedFindings) {
  const catalog::Catalog catalog = ExampleCatalog();
  LintContext context;
  context.catalog = &catalog;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(SourceDir() / "tests/testdata/runbooks/lint")) {
    std::ifstream in(entry.path());
    std::string line;
    std::vector<std::string> want;
    const std::string kPrefix = "# expect-lint: ";
    while (std::getline(in, line) && line.starts_with(kPrefix)) {
      want.push_back(entry.path().string() + ":" + line.substr(kPrefix.size()));
    }
    ASSERT_FALSE(want.empty()) << entry.path() << " has no expect-lint line";
    Result<LintReport> report = LintPaths({entry.path()}, context);
    ASSERT_TRUE(report.ok()) << report.status().message();
    std::vector<std::string> got;
    for (const Finding& finding : report->findings) got.push_back(finding.ToString());
    EXPECT_EQ(got, want) << entry.path().filename();
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST(LintTest, SchemaErrorsAreFindingsAndDuplicateIdsAcrossFilesAreCaught) {
  LintContext context;
  const fs::path data = SourceDir() / "tests/testdata/runbooks";
  Result<LintReport> report =
      LintPaths({data / "bad/norway_problem.yaml", data / "good/minimal.yaml",
                 data / "good/minimal.yaml", data / "lint/duplicate_of_minimal.yaml"},
                context);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->files, 3u);  // the repeated path is linted once
  std::string all;
  for (const Finding& finding : report->findings) all += finding.ToString() + "\n";
  EXPECT_NE(all.find("norway_problem.yaml:6:38: ambiguous scalar \"no\""), std::string::npos) << all;
  EXPECT_NE(all.find("duplicate runbook id \"minimal\""), std::string::npos) << all;
}

TEST(LintTest, MissingPathIsAnError) {
  Result<LintReport> report = LintPaths({SourceDir() / "no/such/dir"}, {});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound);
}

TEST(LintTest, UnsatisfiableSelectorsTable) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> selectors;
    std::string reason;
  };
  const Case cases[] = {
      {{{"a", "x"}, {"a", "y"}}, "a=\"x\" and a=\"y\""},
      {{{"a", "x"}, {"a", "!x"}}, "a=\"x\" and a!=\"x\""},
      {{{"a", "x"}, {"a", "~y.*"}}, "a=\"x\" and a=~\"y.*\""},
      {{{"a", "x"}, {"a", "!~x|z"}}, "a=\"x\" and a!~\"x|z\""},
      {{{"a", "~x|y"}, {"a", "~z"}}, "no value of label \"a\" satisfies all of its selectors"},
      {{{"a", "~x|y"}, {"a", "!x"}, {"a", "!y"}},
       "no value of label \"a\" satisfies all of its selectors"},
      {{{"a", "x"}, {"b", "!x"}}, ""},
      {{{"a", "x"}, {"a", "~x|y"}}, ""},
      {{{"a", "~x.*"}, {"a", "!xy"}}, ""},
      {{{"a", ""}, {"a", "!~.+"}}, ""},
  };
  for (const Case& c : cases) {
    std::vector<Selector> selectors;
    for (const auto& [label, text] : c.selectors) {
      selectors.push_back(*Selector::Parse(label, text));
    }
    EXPECT_EQ(UnsatisfiableReason(selectors), c.reason) << c.reason;
  }
}

// The shipped examples are the documentation people copy: they must lint clean against the
// shipped catalogue, cover the scenarios, and include a default triage runbook.
TEST(LintTest, ExampleRunbooksAreCleanAndComplete) {
  const catalog::Catalog catalog = ExampleCatalog();
  LintContext context;
  context.catalog = &catalog;
  Result<LintReport> report = LintPaths({SourceDir() / "examples/runbooks"}, context);
  ASSERT_TRUE(report.ok()) << report.status().message();
  for (const Finding& finding : report->findings) ADD_FAILURE() << finding.ToString();
  Result<RunbookSet> set = LoadRunbookSet({SourceDir() / "examples/runbooks"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_GE(set->size(), 7u);
  ASSERT_NE(set->default_runbook(), nullptr);
  for (const auto& runbook : set->runbooks()) {
    SCOPED_TRACE(runbook->id());
    EXPECT_FALSE(runbook->stabilise.empty());
    EXPECT_FALSE(runbook->investigate.steps.empty() && !runbook->investigate.diagnose);
    EXPECT_FALSE(runbook->resolve.verify.empty());
    EXPECT_FALSE(runbook->resolve.close_out.empty());
    EXPECT_FALSE(runbook->detection.escalation.empty());
  }
}

}  // namespace
}  // namespace vakt::runbook
