#include "common/file_read.h"

#include <gtest/gtest.h>

#include <fstream>

namespace vakt {
namespace {

TEST(ReadFileToStringTest, ReturnsEveryByteIncludingNulAndCrLf) {
  const auto path =
      std::filesystem::temp_directory_path() /
      ("vakt-file-read-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  const std::string bytes("a\r\nb\0c\xff", 7);
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  auto read = ReadFileToString(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, bytes);
}

TEST(ReadFileToStringTest, MissingFileIsNotFoundNamingThePath) {
  auto read = ReadFileToString("/nonexistent/vakt/file.yaml");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
  EXPECT_NE(read.status().message().find("/nonexistent/vakt/file.yaml"), std::string::npos);
}

}  // namespace
}  // namespace vakt
