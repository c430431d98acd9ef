#include "diagnose/metric_regression.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vakt::diagnose {
namespace {

std::vector<MetricPoint> Series(std::vector<double> before, std::vector<double> after) {
  std::vector<MetricPoint> points;
  TimeMs t = 0;
  for (double v : before) points.push_back({t += 60'000, v});
  t = 10'000'000;
  for (double v : after) points.push_back({t += 60'000, v});
  return points;
}

TEST(MetricRegressionTest, AucDropAfterTheDeployBeyondToleranceIsRegression) {
  auto report = CompareMetricSeries(
      Series({0.91, 0.905, 0.912, 0.908, 0.91, 0.909}, {0.84, 0.85, 0.845, 0.838, 0.842, 0.85}),
      10'000'000, {"auc", 0.91, 0.02, 0.05});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->regressed);
  EXPECT_EQ(report->reference_kind, "baseline");
  EXPECT_NEAR(report->shortfall, 0.91 - 0.844166666, 1e-6);
  ASSERT_TRUE(report->pvalue);
  EXPECT_LT(*report->pvalue, 0.05);
}

TEST(MetricRegressionTest, DropWithinToleranceIsNotRegression) {
  auto report = CompareMetricSeries(Series({0.91, 0.91, 0.91}, {0.90, 0.90, 0.90}), 10'000'000,
                                    {"auc", 0.91, 0.02, 0.05});
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->regressed);
}

TEST(MetricRegressionTest, ErrorMetricRisingIsRegression) {
  auto report = CompareMetricSeries(Series({0.10, 0.11, 0.10, 0.09}, {0.20, 0.22, 0.21, 0.19}),
                                    10'000'000, {"mape", 0, 0.02, 0.05});
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->higher_is_better);
  EXPECT_EQ(report->reference_kind, "before");
  EXPECT_TRUE(report->regressed);
}

TEST(MetricRegressionTest, LowLevelAlreadyBeforeTheDeployIsNotBlamedOnIt) {
  // Below baseline, but just as low before the deployment: no significant before/after change.
  auto report = CompareMetricSeries(Series({0.80, 0.82, 0.81, 0.80}, {0.81, 0.80, 0.82, 0.81}),
                                    10'000'000, {"auc", 0.91, 0.02, 0.05});
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->regressed);
}

TEST(MetricRegressionTest, NoPointAfterTheSplitIsInvalidArgument) {
  EXPECT_EQ(CompareMetricSeries(Series({0.9}, {}), 10'000'000, {"auc", 0.9, 0.01, 0.05})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(MetricRegressionTest, ReadsCsvWithRfc3339AndUnixSeconds) {
  const std::string path = ::testing::TempDir() + "/metric_series.csv";
  {
    std::ofstream out(path);
    out << "timestamp,value\n2026-11-28T00:00:00Z,0.9\n1795824060,0.8\n";
  }
  auto points = ReadMetricSeries(path);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 2u);
  EXPECT_EQ((*points)[1].time, 1795824060000);
  EXPECT_DOUBLE_EQ((*points)[0].value, 0.9);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vakt::diagnose
