#include "retro/response_report.h"

#include <gtest/gtest.h>

namespace vakt::retro {
namespace {

storage::ResponseRecord Record(const std::string& pipeline, TimeMs ack_after, TimeMs resolve_after,
                               bool drill = false) {
  storage::ResponseRecord record;
  record.pipeline = pipeline;
  record.runbook_id = pipeline + "-runbook";
  record.severity = "critical";
  record.drill = drill;
  record.created_at = 1'000'000;
  record.acknowledged_at = ack_after > 0 ? record.created_at + ack_after : 0;
  record.resolved_at = resolve_after > 0 ? record.created_at + resolve_after : 0;
  return record;
}

TEST(ResponseReportTest, PercentileIsNearestRank) {
  std::vector<TimeMs> values = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100};
  EXPECT_EQ(Percentile(values, 50), 50);
  EXPECT_EQ(Percentile(values, 90), 90);
  EXPECT_EQ(Percentile(values, 100), 100);
  EXPECT_EQ(Percentile({7}, 90), 7);
  EXPECT_FALSE(Percentile({}, 50).has_value());
}

TEST(ResponseReportTest, StatsCountOnlyReachedMilestones) {
  ResponseStats stats = StatsOf({Record("a", 60'000, 600'000), Record("a", 120'000, 0),
                                 Record("a", 0, 0)});
  EXPECT_EQ(stats.incidents, 3u);
  EXPECT_EQ(stats.acknowledged, 2u);
  EXPECT_EQ(stats.resolved, 1u);
  EXPECT_EQ(stats.mtta_p50, 60'000);
  EXPECT_EQ(stats.mtta_p90, 120'000);
  EXPECT_EQ(stats.mttr_p50, 600'000);
}

TEST(ResponseReportTest, DrillsAreKeptApartAndGroupedByTeam) {
  nlohmann::json report = BuildResponseReport(
      {Record("fraud", 1'000, 10'000), Record("credit", 3'000, 30'000), Record("fraud", 5'000, 50'000, true)},
      [](const std::string& pipeline) { return pipeline == "fraud" ? "team-fraud" : ""; });
  EXPECT_EQ(report["incidents"]["overall"]["incidents"], 2);
  EXPECT_EQ(report["drills"]["overall"]["incidents"], 1);
  EXPECT_EQ(report["drills"]["overall"]["mttr_p50_ms"], 50'000);
  EXPECT_EQ(report["incidents"]["by_pipeline"]["credit"]["mtta_p50_ms"], 3'000);
  EXPECT_EQ(report["incidents"]["by_team"]["team-fraud"]["incidents"], 1);
  EXPECT_EQ(report["incidents"]["by_team"]["(none)"]["incidents"], 1);
}

TEST(ResponseReportTest, OftenSkippedAndSlowStepsAreFlagged) {
  std::vector<storage::StepOutcome> outcomes;
  for (int index = 0; index < 4; ++index) {
    outcomes.push_back({index, "rb", "rollback", index == 0 ? "skipped" : "succeeded", 0 + 1000,
                        1000 + 600'000, false});
    outcomes.push_back({index, "rb", "look", "succeeded", 1000, 2000, false});
  }
  outcomes.push_back({9, "rb", "look", "failed", 1000, 2000, true});  // a drill: not counted
  nlohmann::json steps = RunbookEffectiveness(outcomes, 300'000);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0]["step_id"], "look");
  EXPECT_EQ(steps[0]["runs"], 4);
  EXPECT_TRUE(steps[0]["flags"].empty());
  EXPECT_EQ(steps[1]["step_id"], "rollback");
  EXPECT_EQ(steps[1]["skipped"], 1);
  EXPECT_EQ(steps[1]["flags"], nlohmann::json({"often_skipped", "slow"}));
}

}  // namespace
}  // namespace vakt::retro
