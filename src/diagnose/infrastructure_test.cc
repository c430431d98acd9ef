#include "diagnose/infrastructure.h"

#include <gtest/gtest.h>

namespace vakt::diagnose {
namespace {

PromQueryResult Matrix(std::vector<std::pair<std::string, std::vector<double>>> series) {
  PromQueryResult result;
  result.result_type = "matrix";
  for (auto& [instance, values] : series) {
    PromSeries s;
    s.labels = {{"instance", instance}};
    TimeMs t = 1000;
    for (double v : values) s.samples.push_back({t += 1000, v});
    result.series.push_back(std::move(s));
  }
  return result;
}

TEST(InfrastructureTest, TrailingConditionIsReadAtTopLevelOnly) {
  auto up = ParseTrailingCondition("up{job=\"fraud-serving\"} == 0");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->op, "==");
  EXPECT_EQ(up->threshold, 0);
  auto ratio = ParseTrailingCondition(
      "sum(rate(x{code=~\"5..\"}[5m])) / sum(rate(x[5m])) > 0.01");
  ASSERT_TRUE(ratio);
  EXPECT_EQ(ratio->op, ">");
  EXPECT_DOUBLE_EQ(ratio->threshold, 0.01);
  EXPECT_FALSE(ParseTrailingCondition("rate(x{a=\"b>1\"}[5m])"));
  EXPECT_FALSE(ParseTrailingCondition("a > b"));
  auto with_bool = ParseTrailingCondition("x >= bool 3");
  ASSERT_TRUE(with_bool);
  EXPECT_EQ(with_bool->op, ">=");
}

TEST(InfrastructureTest, MetricNameSkipsFunctionsKeywordsAndLabelLists) {
  EXPECT_EQ(MetricNameOf("up{job=\"fraud-serving\"} == 0"), "up");
  EXPECT_EQ(MetricNameOf("sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{"
                         "namespace=\"fraud\"}[5m])) > 0.5"),
            "container_cpu_cfs_throttled_periods_total");
  EXPECT_EQ(MetricNameOf("time() - ml_data_last_update_timestamp_seconds{p=\"g\"} > 3600"),
            "ml_data_last_update_timestamp_seconds");
  EXPECT_EQ(MetricNameOf("vector(1)"), "");
}

TEST(InfrastructureTest, CategoriesFollowTheSignal) {
  EXPECT_EQ(InfraCategoryOf("up{job=\"x\"} == 0"), "availability");
  EXPECT_EQ(InfraCategoryOf("sum(rate(http_requests_total{code=~\"5..\"}[5m])) > 0"), "errors");
  EXPECT_EQ(InfraCategoryOf("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 1"),
            "latency");
  EXPECT_EQ(InfraCategoryOf("kafka_consumergroup_lag > 100000"), "saturation");
}

TEST(InfrastructureTest, DeadTargetIsBreachedWithValueZero) {
  InfraOutcome outcome =
      InfraOutcomeFromResult("up{job=\"fraud-serving\"} == 0", Matrix({{"a:1", {0, 0, 0}}}));
  EXPECT_TRUE(outcome.finding.breached);
  EXPECT_EQ(outcome.finding.metric, "up");
  EXPECT_EQ(outcome.finding.value, 0);
  EXPECT_EQ(outcome.series_count, 1u);
}

TEST(InfrastructureTest, GreaterThanConditionReportsTheWorstSeriesMaximum) {
  InfraOutcome outcome = InfraOutcomeFromResult(
      "sum by (instance) (rate(errors_total[5m])) > 0.1",
      Matrix({{"a", {0.2, 0.3}}, {"b", {0.5, 0.4}}}));
  EXPECT_TRUE(outcome.finding.breached);
  EXPECT_DOUBLE_EQ(outcome.finding.value, 0.5);
  EXPECT_DOUBLE_EQ(outcome.finding.threshold, 0.1);
  EXPECT_EQ(outcome.series.front().labels.at("instance"), "b");
}

TEST(InfrastructureTest, EmptyAnswerMeansTheConditionNeverHeld) {
  InfraOutcome outcome = InfraOutcomeFromResult("up == 0", Matrix({}));
  EXPECT_FALSE(outcome.finding.breached);
  EXPECT_EQ(outcome.series_count, 0u);
}

TEST(InfrastructureTest, QueryWithoutConditionIsReportedNotJudged) {
  InfraOutcome outcome = InfraOutcomeFromResult("rate(x[5m])", Matrix({{"a", {1, 9}}}));
  EXPECT_FALSE(outcome.finding.breached);
  EXPECT_EQ(outcome.finding.value, 9);
}

TEST(InfrastructureTest, StepBoundsThePointsPerQuery) {
  InfraWindow window{0, 3'600'000, 240, 1'000};
  EXPECT_EQ(StepFor(window), 15'000);
  InfraWindow short_window{0, 10'000, 240, 1'000};
  EXPECT_EQ(StepFor(short_window), 1'000);
}

}  // namespace
}  // namespace vakt::diagnose
