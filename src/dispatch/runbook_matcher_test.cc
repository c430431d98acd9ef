#include "dispatch/runbook_matcher.h"

#include <gtest/gtest.h>

#include <random>

#include "runbook/loader.h"

namespace vakt::dispatch {
namespace {

// MakeRunbook builds a runbook from one detection flow mapping, e.g. "{match: {a: x}}".
runbook::Runbook MakeRunbook(const std::string& id, const std::string& detection) {
  const std::string text = "apiVersion: vakt/v1\nkind: Runbook\nmetadata: {id: " + id +
                           ", title: T}\ndetection: " + detection + "\n";
  Result<runbook::Runbook> runbook = runbook::ParseRunbook(text, id + ".yaml");
  EXPECT_TRUE(runbook.ok()) << runbook.status().message();
  return std::move(runbook).value();
}

RunbookMatcher MakeMatcher(std::vector<runbook::Runbook> runbooks) {
  Result<runbook::RunbookSet> set = runbook::RunbookSet::Create(std::move(runbooks));
  EXPECT_TRUE(set.ok()) << set.status().message();
  return RunbookMatcher::Build(std::make_shared<const runbook::RunbookSet>(std::move(*set)));
}

std::string Ids(const std::vector<const runbook::Runbook*>& runbooks) {
  std::string ids;
  for (const auto* runbook : runbooks) ids += (ids.empty() ? "" : ",") + runbook->id();
  return ids;
}

TEST(RunbookMatcherTest, OrderedFirstMatchContinueAndDefaultTable) {
  // Files sort by name, so a- runs before b- etc. (all priority 0), except z- with priority -1.
  RunbookMatcher matcher = MakeMatcher({
      MakeRunbook("a-fraud-drift", "{match: {pipeline: fraud, alertname: \"~FeatureDrift|PredictionDrift\"}}"),
      MakeRunbook("b-fraud-any", "{match: {pipeline: fraud}, continue: true}"),
      MakeRunbook("c-fraud-serving", "{match: {pipeline: fraud, alertname: \"~Serving.*\"}}"),
      MakeRunbook("d-not-test", "{match: {env: \"!test\", severity: \"~page|critical\"}}"),
      MakeRunbook("e-no-team", "{match: {team: \"\", alertname: Orphan}}"),
      MakeRunbook("triage", "{default: true}"),
      MakeRunbook("z-audit-all-critical", "{match: {severity: critical}, continue: true, priority: -1}"),
  });
  struct Case {
    LabelSet labels;
    std::string want;
  };
  const Case cases[] = {
      {{{"pipeline", "fraud"}, {"alertname", "FeatureDrift"}}, "a-fraud-drift"},
      {{{"pipeline", "fraud"}, {"alertname", "FeatureDriftX"}}, "b-fraud-any"},  // anchored
      // b continues, so c is also reached.
      {{{"pipeline", "fraud"}, {"alertname", "ServingLatency"}}, "b-fraud-any,c-fraud-serving"},
      // z (priority -1) continues into the ordered list.
      {{{"pipeline", "fraud"}, {"alertname", "FeatureDrift"}, {"severity", "critical"}},
       "z-audit-all-critical,a-fraud-drift"},
      // Negation: a missing env is "" which is != "test".
      {{{"severity", "page"}}, "d-not-test"},
      {{{"severity", "page"}, {"env", "test"}}, "triage"},
      // Equality with "" means the label must be absent.
      {{{"alertname", "Orphan"}}, "e-no-team"},
      {{{"alertname", "Orphan"}, {"team", "x"}}, "triage"},
      {{}, "triage"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Ids(matcher.Match(c.labels)), c.want);
    Explanation explanation = matcher.Explain(c.labels);
    EXPECT_EQ(Ids(explanation.selected), c.want);
    EXPECT_EQ(explanation.used_default, c.want == "triage");
  }
}

TEST(RunbookMatcherTest, NoDefaultMeansNoMatch) {
  RunbookMatcher matcher = MakeMatcher({MakeRunbook("only", "{match: {a: x}}")});
  EXPECT_TRUE(matcher.Match({{"a", "y"}}).empty());
}

TEST(RunbookMatcherTest, ExplainShowsEverySelectorAndWhereTheSearchStopped) {
  RunbookMatcher matcher = MakeMatcher({
      MakeRunbook("a-first", "{match: {pipeline: fraud, severity: \"!info\"}}"),
      MakeRunbook("b-second", "{match: {pipeline: fraud}}"),
      MakeRunbook("c-other", "{match: {pipeline: credit}}"),
  });
  EXPECT_EQ(matcher.Explain({{"pipeline", "fraud"}}).ToString(),
            "selected: a-first\n"
            "\n"
            "a-first [SELECTED] a-first.yaml\n"
            "  ✓ pipeline=\"fraud\"  (alert has \"fraud\")\n"
            "  ✓ severity!=\"info\"  (alert has no such label, read as \"\")\n"
            "\n"
            "b-second [matches, not reached] b-second.yaml (search stopped at a-first)\n"
            "  ✓ pipeline=\"fraud\"  (alert has \"fraud\")\n"
            "\n"
            "c-other [no match] c-other.yaml (search stopped at a-first)\n"
            "  ✗ pipeline=\"credit\"  (alert has \"fraud\")\n");
}

// Property: the index returns exactly what a linear scan returns, for random routes and labels
// drawn from a small alphabet so that collisions, negations and continue chains are common.
TEST(SelectorIndexTest, IndexEqualsLinearScanOnRandomRoutes) {
  std::mt19937 rng(20261128);
  const std::vector<std::string> names = {"alertname", "pipeline", "model", "severity", "env"};
  const std::vector<std::string> values = {"a", "b", "c", "d", ""};
  const std::vector<std::string> regexes = {"a|b", "c", "a.*", ".*", ".+", "b|c|d", "x|"};
  auto pick = [&](const auto& options) { return options[rng() % options.size()]; };
  int nonempty = 0;
  for (int round = 0; round < 200; ++round) {
    std::vector<MatchRoute> routes(1 + rng() % 60);
    for (MatchRoute& route : routes) {
      route.continue_matching = rng() % 3 == 0;
      const int count = static_cast<int>(rng() % 4);
      for (int s = 0; s < count; ++s) {
        std::string text;
        switch (rng() % 5) {
          case 0:
          case 1:
            text = pick(values);
            if (!text.empty() && (text[0] == '!' || text[0] == '~')) text = "=" + text;
            break;
          case 2:
            text = "!" + pick(values);
            break;
          case 3:
            text = "~" + pick(regexes);
            break;
          default:
            text = "!~" + pick(regexes);
        }
        Result<runbook::Selector> selector = runbook::Selector::Parse(pick(names), text);
        ASSERT_TRUE(selector.ok()) << text;
        route.selectors.push_back(std::move(selector).value());
      }
    }
    const SelectorIndex index = SelectorIndex::Build(std::move(routes));
    std::vector<std::uint32_t> indexed;
    std::vector<std::uint32_t> linear;
    for (int probe = 0; probe < 200; ++probe) {
      LabelSet labels;
      for (const std::string& name : names) {
        const std::string value = pick(values);
        if (!value.empty() && rng() % 4 != 0) labels[name] = value;
      }
      index.Match(labels, &indexed);
      index.MatchLinear(labels, &linear);
      ASSERT_EQ(indexed, linear) << "round " << round << " probe " << probe;
      nonempty += !linear.empty();
    }
  }
  // The generator must exercise real matches, not only empty results.
  EXPECT_GT(nonempty, 10'000);
}

}  // namespace
}  // namespace vakt::dispatch
