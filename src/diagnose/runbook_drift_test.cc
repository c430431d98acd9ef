#include "diagnose/runbook_drift.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vakt::diagnose {
namespace {

// Two numeric columns of 2000 rows: `shifted` moves by 1.5 standard deviations, `stable` does not;
// plus a categorical column whose mix changes.
DriftReport ShiftedReport() {
  std::ostringstream ref, cur;
  ref << "shifted,stable,channel\n";
  cur << "shifted,stable,channel\n";
  for (int row = 0; row < 2000; ++row) {
    const double u = (row % 100) / 100.0;
    ref << u << "," << u << "," << (row % 4 == 0 ? "web" : "pos") << "\n";
    cur << u + 0.45 << "," << u << "," << (row % 4 == 0 ? "pos" : "web") << "\n";
  }
  TableSchema schema;
  schema.categorical = {"channel"};
  std::istringstream ref_in(ref.str()), cur_in(cur.str());
  auto ref_table = ReadCsv(ref_in, "ref", schema);
  auto cur_table = ReadCsv(cur_in, "cur", schema);
  EXPECT_TRUE(ref_table.ok() && cur_table.ok());
  auto report = CompareTables(std::move(*ref_table), std::move(*cur_table), {});
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return std::move(*report);
}

const ColumnReport& Column(const DriftReport& report, const std::string& name) {
  for (const ColumnReport& column : report.columns) {
    if (column.column == name) return column;
  }
  throw std::runtime_error("no column " + name);
}

TEST(RunbookDriftTest, PsiMethodDecidesEachColumnWithTheRunbookThreshold) {
  DriftReport report = ShiftedReport();
  ASSERT_TRUE(ApplyDriftMethod(report, "psi", 0.2).ok());
  EXPECT_TRUE(Column(report, "shifted").analysis.drift);
  EXPECT_EQ(Column(report, "shifted").analysis.test, DriftTest::kPsi);
  EXPECT_FALSE(Column(report, "stable").analysis.drift);
  EXPECT_TRUE(Column(report, "channel").analysis.drift);
  EXPECT_EQ(report.dataset.drifted_columns, 2);
  EXPECT_TRUE(report.dataset.drift);
}

TEST(RunbookDriftTest, KsMethodKeepsTheDefaultTestForCategoricalColumns) {
  DriftReport report = ShiftedReport();
  const DriftTest categorical_default = Column(report, "channel").analysis.test;
  ASSERT_TRUE(ApplyDriftMethod(report, "ks", 0.05).ok());
  EXPECT_EQ(Column(report, "shifted").analysis.test, DriftTest::kKs);
  EXPECT_TRUE(Column(report, "shifted").analysis.drift);
  EXPECT_EQ(Column(report, "channel").analysis.test, categorical_default);
}

TEST(RunbookDriftTest, UnknownMethodIsRejected) {
  DriftReport report = ShiftedReport();
  EXPECT_EQ(ApplyDriftMethod(report, "chi", 0.1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyDriftMethod(report, "psi", 0).code(), StatusCode::kInvalidArgument);
}

TEST(RunbookDriftTest, HistogramsCarryBinsAndBothCountsPerColumn) {
  DriftReport report = ShiftedReport();
  nlohmann::json histograms = DriftHistogramsToJson(report);
  ASSERT_EQ(histograms.size(), 3u);
  for (const auto& h : histograms) {
    EXPECT_EQ(h["reference_counts"].size(), h["current_counts"].size()) << h.dump();
    int64_t ref_total = 0;
    for (const auto& count : h["reference_counts"]) ref_total += count.get<int64_t>();
    EXPECT_EQ(ref_total, 2000) << h["column"];
  }
  const auto& shifted = histograms[0];
  EXPECT_EQ(shifted["bins"], "edges");
  EXPECT_EQ(shifted["edges"].size(), shifted["reference_counts"].size() + 1);
  const auto& channel = histograms[2];
  EXPECT_EQ(channel["bins"], "values");
  EXPECT_EQ(channel["values"], nlohmann::json({"pos", "web"}));
  EXPECT_EQ(channel["reference_counts"], nlohmann::json({1500, 500}));
  EXPECT_EQ(channel["current_counts"], nlohmann::json({500, 1500}));
}

TEST(TableSniffTest, ColumnsWithTextAreCategorical) {
  const std::string path = ::testing::TempDir() + "/sniff.csv";
  std::ofstream(path) << "amount,merchant_category,hour\n12.5,grocery,3\n,travel,4\n7,5411,NaN\n";
  auto categorical = SniffCategoricalColumns(path);
  ASSERT_TRUE(categorical.ok()) << categorical.status().ToString();
  EXPECT_EQ(*categorical, (std::set<std::string, std::less<>>{"merchant_category"}));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vakt::diagnose
