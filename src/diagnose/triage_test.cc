#include "diagnose/triage.h"

#include <gtest/gtest.h>

#include <random>

namespace vakt::diagnose {
namespace {

constexpr TimeMs kMinute = 60 * 1000;
constexpr TimeMs kDay = 24 * 60 * kMinute;

// Four numeric features; `shifted` of them move by one standard deviation in `current`.
DriftSummary DriftScenario(int shifted, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  auto make = [&](double shift, int active) {
    Table t;
    t.rows = 2000;
    for (int c = 0; c < 4; ++c) {
      TableColumn col;
      col.name = "f" + std::to_string(c);
      col.sample.raw_count = 2000;
      for (int i = 0; i < 2000; ++i) col.sample.numbers.push_back(normal(rng) + (c < active ? shift : 0));
      t.columns.push_back(std::move(col));
    }
    return t;
  };
  Result<DriftReport> report = CompareTables(make(0, 0), make(1.0, shifted), {});
  EXPECT_TRUE(report.ok());
  return SummarizeDrift(*report);
}

// Labelled predictions from a model with the given class separation.
std::vector<LabeledPrediction> Predictions(double separation, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::bernoulli_distribution positive(0.3);
  std::vector<LabeledPrediction> out;
  for (int i = 0; i < 1500; ++i) {
    const int label = positive(rng) ? 1 : 0;
    const double logit = normal(rng) + separation * (label - 0.5);
    out.push_back({1 / (1 + std::exp(-logit)), label, {}});
  }
  return out;
}

RegressionReport RegressionScenario(double before, double after) {
  Result<RegressionReport> r = CompareModels(Predictions(before, 1), Predictions(after, 2));
  EXPECT_TRUE(r.ok());
  return *r;
}

TEST(TriageTest, ShiftedFeaturesRankDataDriftFirst) {
  TriageInput in;
  in.drift = DriftScenario(3, 11);
  in.regression = RegressionScenario(2.0, 2.0);  // same model quality
  in.infrastructure = {{"up", 1, 1, false, ""}, {"http_5xx_ratio", 0.001, 0.05, false, ""}};
  in.deployment.since_last_deploy_ms = 12 * kDay;
  const std::vector<Hypothesis> h = Triage(in);
  ASSERT_EQ(4u, h.size());
  EXPECT_EQ(Cause::kDataDrift, h[0].cause) << HypothesesToJson(h).dump(1);
  EXPECT_GE(h[0].score, 0.7);
  EXPECT_FALSE(h[0].evidence.empty());
}

TEST(TriageTest, DegradedModelRightAfterDeployRanksRegressionFirst) {
  TriageInput in;
  in.drift = DriftScenario(0, 12);
  in.regression = RegressionScenario(2.2, 0.8);
  ASSERT_EQ(RegressionVerdict::kRegressed, in.regression->verdict);
  in.infrastructure = {{"up", 1, 1, false, ""}};
  in.deployment.since_last_deploy_ms = 30 * kMinute;
  in.deployment.last_deploy = "ranker v42";
  in.deployment.inside_change_window = true;
  const std::vector<Hypothesis> h = Triage(in);
  EXPECT_EQ(Cause::kModelRegression, h[0].cause) << HypothesesToJson(h).dump(1);
  EXPECT_NE(std::string::npos, h[0].explanation.find("deployment"));
}

TEST(TriageTest, DeadReplicasAndErrorsRankInfrastructureFirstEvenWithSymptoms) {
  TriageInput in;
  // Dead replicas starve features (drift-like) and hurt quality, but the cause is serving.
  in.drift = DriftScenario(2, 13);
  in.regression = RegressionScenario(2.2, 1.2);
  in.infrastructure = {{"up", 0, 1, true, "ranker-serving replica 2 down"},
                       {"http_5xx_ratio", 0.31, 0.05, true, ""}};
  in.deployment.since_last_deploy_ms = 6 * kDay;
  const std::vector<Hypothesis> h = Triage(in);
  EXPECT_EQ(Cause::kInfrastructure, h[0].cause) << HypothesesToJson(h).dump(1);
  EXPECT_GE(h[0].score, 0.9);
  EXPECT_EQ(2u, h[0].evidence.size());
}

TEST(TriageTest, NothingFoundRanksUnknownFirst) {
  TriageInput in;
  in.drift = DriftScenario(0, 14);
  in.infrastructure = {{"up", 1, 1, false, ""}};
  const std::vector<Hypothesis> h = Triage(in);
  EXPECT_EQ(Cause::kUnknown, h[0].cause) << HypothesesToJson(h).dump(1);
}

TEST(TriageTest, QualityDropWithoutDeployButWithDriftBlamesDrift) {
  TriageInput in;
  in.drift = DriftScenario(4, 15);
  in.regression = RegressionScenario(2.2, 1.0);
  in.deployment.since_last_deploy_ms = 40 * kDay;
  const std::vector<Hypothesis> h = Triage(in);
  EXPECT_EQ(Cause::kDataDrift, h[0].cause) << HypothesesToJson(h).dump(1);
  EXPECT_EQ(Cause::kModelRegression, h[1].cause);
}

}  // namespace
}  // namespace vakt::diagnose
