#include "diagnose/data_source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vakt::diagnose {
namespace {

class DataSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) / "vakt-data-source";
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "data" / "fraud");
    std::ofstream(root_ / "data" / "fraud" / "reference.csv") << "a\n1\n";
    std::ofstream(root_ / "secret.txt") << "token\n";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string DataDir() const { return (root_ / "data").string(); }
  std::filesystem::path root_;
};

TEST_F(DataSourceTest, FileReferenceResolvesUnderTheDataDirectory) {
  auto path = ResolveDataFile(DataDir(), "file:fraud/reference.csv");
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, std::filesystem::canonical(root_ / "data" / "fraud" / "reference.csv").string());
}

TEST_F(DataSourceTest, DotDotIsRejected) {
  auto path = ResolveDataFile(DataDir(), "file:../secret.txt");
  EXPECT_EQ(path.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(path.status().message().find(".."), std::string::npos);
}

TEST_F(DataSourceTest, AbsolutePathOutsideIsRejected) {
  auto path = ResolveDataFile(DataDir(), "file:" + (root_ / "secret.txt").string());
  EXPECT_EQ(path.status().code(), StatusCode::kInvalidArgument) << path.status().ToString();
}

TEST_F(DataSourceTest, SymlinkLeadingOutsideIsRejected) {
  std::filesystem::create_symlink(root_ / "secret.txt", root_ / "data" / "link.csv");
  auto path = ResolveDataFile(DataDir(), "file:link.csv");
  EXPECT_EQ(path.status().code(), StatusCode::kInvalidArgument) << path.status().ToString();
}

TEST_F(DataSourceTest, OtherSchemesAndMissingFilesAreErrors) {
  EXPECT_EQ(ResolveDataFile(DataDir(), "prometheus:up").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveDataFile(DataDir(), "file:").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveDataFile(DataDir(), "file:fraud/missing.csv").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace vakt::diagnose
