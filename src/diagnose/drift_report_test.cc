#include "diagnose/drift_report.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

namespace vakt::diagnose {
namespace {

Table MakeTable(unsigned seed, double shift, int rows) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Table t;
  t.rows = rows;
  for (const char* name : {"stable", "shifted"}) {
    TableColumn c;
    c.name = name;
    c.sample.raw_count = rows;
    for (int i = 0; i < rows; ++i) {
      c.sample.numbers.push_back(normal(rng) + (std::string(name) == "shifted" ? shift : 0.0));
    }
    t.columns.push_back(std::move(c));
  }
  TableColumn cat;
  cat.name = "segment";
  cat.type = ColumnType::kCategorical;
  cat.sample.raw_count = rows;
  for (int i = 0; i < rows; ++i) cat.sample.strings.push_back(i % 3 == 0 ? "a" : "b");
  t.columns.push_back(std::move(cat));
  return t;
}

TEST(DriftReportTest, ShiftedColumnDriftsAndJsonHasIssueShape) {
  Result<DriftReport> report = CompareTables(MakeTable(1, 0, 3000), MakeTable(2, 1.0, 3000), {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const nlohmann::json j = DriftReportToJson(*report);
  ASSERT_EQ(3u, j["columns"].size());
  const nlohmann::json& stable = j["columns"][0];
  const nlohmann::json& shifted = j["columns"][1];
  const nlohmann::json& segment = j["columns"][2];
  EXPECT_EQ("stable", stable["column"]);
  EXPECT_EQ("wasserstein", stable["test"]);
  EXPECT_FALSE(stable["drift"].get<bool>());
  EXPECT_TRUE(shifted["drift"].get<bool>());
  EXPECT_GT(shifted["score"].get<double>(), 0.9);  // normed W1 of a 1-sigma shift is ~1
  for (const char* key : {"column", "type", "n_reference", "n_current", "test", "score",
                          "threshold", "drift", "statistics"}) {
    EXPECT_TRUE(shifted.contains(key)) << key;
  }
  EXPECT_TRUE(shifted["statistics"].contains("ks_pvalue"));
  EXPECT_FALSE(shifted["statistics"].contains("z_pvalue"));  // many values: z does not apply
  EXPECT_EQ("categorical", segment["type"]);
  EXPECT_EQ("jensenshannon", segment["test"]);
  EXPECT_TRUE(segment["statistics"].contains("z_pvalue"));
  EXPECT_FALSE(segment["statistics"].contains("ks_statistic"));
  EXPECT_EQ(1, j["dataset"]["drifted_columns"]);
  EXPECT_FALSE(j["dataset"]["drift"].get<bool>());  // 1 of 3 < 50 %
}

TEST(DriftReportTest, ParallelAndSerialRunsAgree) {
  DriftReportOptions serial;
  serial.threads = 1;
  DriftReportOptions parallel;
  parallel.threads = 4;
  Result<DriftReport> a = CompareTables(MakeTable(3, 0.2, 2000), MakeTable(4, 0, 2000), serial);
  Result<DriftReport> b = CompareTables(MakeTable(3, 0.2, 2000), MakeTable(4, 0, 2000), parallel);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(DriftReportToJson(*a).dump(), DriftReportToJson(*b).dump());
}

TEST(DriftReportTest, MissingColumnIsAnError) {
  Table current = MakeTable(2, 0, 50);
  current.columns.pop_back();
  Result<DriftReport> report = CompareTables(MakeTable(1, 0, 50), std::move(current), {});
  ASSERT_FALSE(report.ok());
  EXPECT_NE(std::string::npos, report.status().message().find("segment"));
}

}  // namespace
}  // namespace vakt::diagnose
