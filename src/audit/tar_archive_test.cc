#include "audit/tar_archive.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>

namespace vakt::audit {
namespace {

std::vector<TarMember> SampleMembers() {
  return {{"manifest.json", "{\"a\": 1}\n"},
          {"evidence/abc", std::string(1500, 'x')},
          {"empty.txt", ""},
          {"exactly-512", std::string(512, 'y')}};
}

TEST(TarArchiveTest, RoundTripsMembersInOrder) {
  auto archive = WriteTar(SampleMembers(), 1'700'000'000);
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  EXPECT_EQ(archive->size() % 512, 0u);
  auto members = ReadTar(*archive);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), 4u);
  for (size_t i = 0; i < members->size(); ++i) {
    EXPECT_EQ((*members)[i].name, SampleMembers()[i].name);
    EXPECT_EQ((*members)[i].data, SampleMembers()[i].data);
  }
}

// The archive must be an ordinary tar an auditor can unpack with the system's tar.
TEST(TarArchiveTest, SystemTarListsAndExtractsTheMembers) {
  auto archive = WriteTar(SampleMembers(), 1'700'000'000);
  ASSERT_TRUE(archive.ok());
  const std::string dir = ::testing::TempDir() + "vakt-tar-test";
  const std::string path = dir + ".tar";
  std::ofstream(path, std::ios::binary) << *archive;
  ASSERT_EQ(
      std::system(
          ("rm -rf " + dir + " && mkdir -p " + dir + " && tar -xf " + path + " -C " + dir).c_str()),
      0);
  std::ifstream in(dir + "/evidence/abc", std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, std::string(1500, 'x'));
}

TEST(TarArchiveTest, RejectsUnsafeOrDuplicateNames) {
  for (const char* name : {"", "/abs", "a/../b", "..", "a//b", "./a"}) {
    EXPECT_EQ(WriteTar({{name, "x"}}, 0).status().code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(WriteTar({{std::string(101, 'n'), "x"}}, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteTar({{"a", "1"}, {"a", "2"}}, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(TarArchiveTest, TruncatedArchiveIsRejectedAtEveryBlockBoundary) {
  auto archive = WriteTar(SampleMembers(), 0);
  ASSERT_TRUE(archive.ok());
  for (size_t length = 0; length < archive->size(); length += 512) {
    auto read = ReadTar(std::string_view(*archive).substr(0, length));
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument) << length;
  }
  EXPECT_EQ(ReadTar(std::string_view(*archive).substr(0, 700)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TarArchiveTest, ChangedHeaderByteFailsTheChecksumNamingTheMember) {
  auto archive = WriteTar(SampleMembers(), 0);
  ASSERT_TRUE(archive.ok());
  // Header of the second member starts after the first header and its one data block.
  for (size_t i = 1024; i < 1536; ++i) {
    std::string copy = *archive;
    copy[i] = static_cast<char>(copy[i] ^ 0x01);
    auto read = ReadTar(copy);
    ASSERT_FALSE(read.ok()) << "byte " << i;
    EXPECT_NE(read.status().message().find("tar member #2"), std::string::npos)
        << read.status().message();
  }
}

TEST(TarArchiveTest, NonZeroPaddingOrTrailerIsRejected) {
  auto archive = WriteTar(SampleMembers(), 0);
  ASSERT_TRUE(archive.ok());
  std::string padded = *archive;
  padded[512 + 100] = 'z';  // after manifest.json's 9 data bytes
  auto read = ReadTar(padded);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("'manifest.json'"), std::string::npos);
  std::string trailer = *archive;
  trailer[trailer.size() - 3] = 'z';
  EXPECT_FALSE(ReadTar(trailer).ok());
  EXPECT_FALSE(ReadTar(*archive + std::string(512, 'q')).ok());
}

TEST(TarArchiveTest, GarbageIsRejectedWithoutCrashing) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::string garbage(512 * (1 + round % 6), '\0');
    for (char& c : garbage) c = static_cast<char>(random());
    auto read = ReadTar(garbage);
    ASSERT_FALSE(read.ok());
    // The garbage "name" is quoted escaped: the message is printable ASCII only.
    for (unsigned char c : read.status().message()) {
      ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "round " << round << ": byte " << int(c);
    }
  }
  EXPECT_FALSE(ReadTar("not a tar").ok());
  // A header whose size field claims far more than the archive holds.
  auto archive = WriteTar({{"a", "x"}}, 0);
  ASSERT_TRUE(archive.ok());
  std::string huge = *archive;
  huge.replace(124, 11, "77777777777");
  // Fix the checksum so only the size is wrong.
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(huge[i]);
  char field[8];
  std::snprintf(field, sizeof field, "%06o", sum);
  huge.replace(148, 6, field, 6);
  auto read = ReadTar(huge);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("truncated"), std::string::npos)
      << read.status().message();
}

}  // namespace
}  // namespace vakt::audit
