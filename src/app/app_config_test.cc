// vakt.yaml's `evidence:` section (issue 7): retention classes in days and the sweep interval,
// strict like the rest of the file (errors name file:line:column).
#include "app/app_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vakt::app {
namespace {

namespace fs = std::filesystem;

class EvidenceConfigTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove(path_); }
  Result<AppConfig> Load(const std::string& yaml) {
    std::ofstream(path_) << yaml;
    return LoadAppConfig(path_.string());
  }
  const fs::path path_ =
      fs::temp_directory_path() /
      ("vakt-config-" + std::to_string(::getpid()) + "-" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
};

TEST_F(EvidenceConfigTest, WithoutASectionTheDefaultClassesAndASixHourSweepApply) {
  auto config = Load("listen: 127.0.0.1:9000\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->evidence_retention_classes, evidence::DefaultRetentionClasses());
  EXPECT_EQ(config->evidence_sweep_interval_ms, 6 * 3600 * 1000);
}

TEST_F(EvidenceConfigTest, ClassesAreReadInDaysAndTheSweepIntervalAsADuration) {
  auto config = Load(
      "evidence:\n"
      "  retention_classes:\n"
      "    standard: 90\n"
      "    regulatory: 2557\n"
      "  sweep_interval: 30m\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  evidence::RetentionClasses expected = {{"standard", 90 * evidence::kDay},
                                         {"regulatory", 2557 * evidence::kDay}};
  EXPECT_EQ(config->evidence_retention_classes, expected);
  EXPECT_EQ(config->evidence_sweep_interval_ms, 30 * 60'000);
}

TEST_F(EvidenceConfigTest, SweepIntervalOffOrZeroDisablesTheSweep) {
  for (const char* off : {"off", "0"}) {
    auto config = Load(std::string("evidence:\n  sweep_interval: ") + off + "\n");
    ASSERT_TRUE(config.ok()) << off << ": " << config.status().ToString();
    EXPECT_EQ(config->evidence_sweep_interval_ms, 0) << off;
  }
}

TEST_F(EvidenceConfigTest, ClassesWithoutStandardAreRejectedAtTheMapsLineAndColumn) {
  auto config = Load(
      "evidence:\n"
      "  retention_classes:\n"
      "    transient: 30\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find(path_.string() + ":3:5:"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("standard"), std::string::npos)
      << config.status().message();
}

TEST_F(EvidenceConfigTest, BadDaysIntervalsAndKeysNameTheirLineAndColumn) {
  struct Case {
    std::string yaml;
    std::string where;
  };
  const Case cases[] = {
      {"evidence:\n  retention_classes:\n    standard: 0\n", ":3:15:"},
      {"evidence:\n  retention_classes:\n    standard: forever\n", ":3:15:"},
      {"evidence:\n  retention_classes:\n    Standard Class: 10\n    standard: 10\n", ":3:5:"},
      {"evidence:\n  sweep_interval: often\n", ":2:19:"},
      {"evidence:\n  sweep_interval: 5s\n", ":2:19:"},
      {"evidence:\n  retain: 10\n", ":2:3:"},
  };
  for (const Case& bad : cases) {
    auto config = Load(bad.yaml);
    ASSERT_FALSE(config.ok()) << bad.yaml;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << bad.yaml;
    EXPECT_NE(config.status().message().find(path_.string() + bad.where), std::string::npos)
        << bad.yaml << " -> " << config.status().message();
  }
}

}  // namespace
}  // namespace vakt::app
