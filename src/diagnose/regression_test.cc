#include "diagnose/regression.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "common/time_format.h"

namespace vakt::diagnose {
namespace {

std::string Fixture(const std::string& name) {
  const char* root = std::getenv("VAKT_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/tests/testdata/diagnose/" + name;
}

nlohmann::json Expected() {
  std::ifstream in(Fixture("regression_expected.json"));
  EXPECT_TRUE(in.good()) << "regenerate with tests/testdata/diagnose/gen_regression_fixtures.py";
  return nlohmann::json::parse(in);
}

void ExpectQuality(const nlohmann::json& e, const ModelQuality& q, const std::string& period) {
  constexpr double kRelTolerance = 1e-9;
  auto near = [&](const char* key, double actual) {
    const double v = e.at(key).get<double>();
    EXPECT_NEAR(v, actual, kRelTolerance * std::max(1e-300, std::fabs(v))) << period << "." << key;
  };
  EXPECT_EQ(e.at("n").get<int64_t>(), q.n) << period;
  EXPECT_EQ(e.at("positives").get<int64_t>(), q.positives) << period;
  EXPECT_EQ(e.at("negatives").get<int64_t>(), q.negatives) << period;
  near("auc", q.auc);
  near("auc_variance", q.auc_variance);
  near("accuracy", q.accuracy);
  near("precision", q.precision);
  near("recall", q.recall);
  near("f1", q.f1);
  near("ece", q.ece);
  EXPECT_NEAR(e.at("auc_ci")[0].get<double>(), q.auc_ci_low, 1e-9) << period;
  EXPECT_NEAR(e.at("auc_ci")[1].get<double>(), q.auc_ci_high, 1e-9) << period;
}

TEST(RegressionTest, AucDeLongAndMetricsMatchNumpyScipyFixture) {
  const nlohmann::json e = Expected();
  Result<std::vector<LabeledPrediction>> before = ReadPredictions(Fixture("before.csv"));
  Result<std::vector<LabeledPrediction>> after = ReadPredictions(Fixture("after.csv"));
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  RegressionOptions options;
  options.threshold = e.at("threshold");
  options.alpha = e.at("alpha");
  options.calibration_bins = e.at("bins");
  Result<RegressionReport> r = CompareModels(*before, *after, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectQuality(e.at("before"), r->before, "before");
  ExpectQuality(e.at("after"), r->after, "after");
  EXPECT_NEAR(e.at("auc_delta").get<double>(), r->auc_delta, 1e-12);
  EXPECT_NEAR(e.at("auc_delta_z").get<double>(), r->auc_delta_z, 1e-9 * 11);
  EXPECT_NEAR(e.at("auc_delta_pvalue").get<double>(), r->auc_delta_pvalue,
              1e-7 * e.at("auc_delta_pvalue").get<double>());
  EXPECT_EQ(e.at("verdict").get<std::string>(), RegressionVerdictName(r->verdict));
}

TEST(RegressionTest, SplittingOnePredictionFileAtTheDeployGivesTheSameAnswer) {
  const nlohmann::json e = Expected();
  Result<std::vector<LabeledPrediction>> all = ReadPredictions(Fixture("predictions.csv"));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  Result<TimeMs> split = ParseRfc3339(e.at("split_at").get<std::string>());
  ASSERT_TRUE(split.ok());
  auto [before, after] = SplitAt(*all, *split);
  EXPECT_EQ(1500u, before.size());
  EXPECT_EQ(1200u, after.size());
  Result<RegressionReport> r = CompareModels(before, after);
  ASSERT_TRUE(r.ok());
  ExpectQuality(e.at("before"), r->before, "before");
  ExpectQuality(e.at("after"), r->after, "after");
  EXPECT_EQ(RegressionVerdict::kRegressed, r->verdict);
}

TEST(RegressionTest, SameModelOnBothSidesIsNoSignificantChange) {
  Result<std::vector<LabeledPrediction>> before = ReadPredictions(Fixture("before.csv"));
  ASSERT_TRUE(before.ok());
  Result<RegressionReport> r = CompareModels(*before, *before);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(RegressionVerdict::kNoSignificantChange, r->verdict);
  EXPECT_EQ(0.0, r->auc_delta);
}

TEST(RegressionTest, OneClassOnlyIsAnError) {
  std::vector<LabeledPrediction> only_positive = {{0.9, 1, {}}, {0.8, 1, {}}};
  EXPECT_FALSE(EvaluateModel(only_positive).ok());
}

TEST(RegressionTest, NormalQuantileMatchesNdtri) {
  EXPECT_NEAR(1.959963984540054, NormalQuantile(0.975), 1e-14);
  EXPECT_NEAR(-6.361340902404056, NormalQuantile(1e-10), 1e-12);
  EXPECT_NEAR(-0.5244005127080407, NormalQuantile(0.3), 1e-14);
}

}  // namespace
}  // namespace vakt::diagnose
