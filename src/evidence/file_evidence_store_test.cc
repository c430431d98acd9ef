#include "evidence/file_evidence_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace vakt::evidence {
namespace {

namespace fs = std::filesystem;

// TempDir is a fresh directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("VAKT_BINARY_DIR");
    path_ = fs::path(base != nullptr ? base : "/tmp") /
            ("evidence_test_" + std::to_string(::getpid()) + "_" + RandomToken(6));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

EvidenceMetadata Meta(const std::string& incident, const std::string& step, TimeMs time) {
  return {incident, step, "http", "http://feature-store/snapshot", time, "application/json", "", ""};
}

size_t CountFiles(const fs::path& dir) {
  size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) ++count;
  }
  return count;
}

TEST(FileEvidenceStoreTest, PutReturnsHashAndGetReturnsBytes) {
  TempDir dir;
  auto store = FileEvidenceStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::string content = R"({"psi":0.31})";
  auto sha = (*store)->Put(content, Meta("INC-1", "capture", 1000));
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, Sha256Hex(content));
  EXPECT_EQ((*store)->BlobPathForTest(*sha),
            dir.path() / "sha256" / sha->substr(0, 2) / sha->substr(2));
  auto got = (*store)->Get(*sha);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, content);
}

TEST(FileEvidenceStoreTest, SameContentIsStoredOnceButRecordedPerCapture) {
  TempDir dir;
  auto store = FileEvidenceStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  auto first = (*store)->Put("same bytes", Meta("INC-1", "capture-a", 1000));
  auto second = (*store)->Put("same bytes", Meta("INC-1", "capture-b", 2000));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(CountFiles(dir.path() / "sha256"), 1u);
  EXPECT_EQ(CountFiles(dir.path() / "tmp"), 0u);

  auto records = (*store)->ListByIncident("INC-1");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].metadata.step_id, "capture-a");
  EXPECT_EQ((*records)[1].metadata.step_id, "capture-b");
  EXPECT_EQ((*records)[1].metadata.time, 2000);
  EXPECT_EQ((*records)[1].size, 10u);
  EXPECT_EQ((*records)[1].metadata.source, "http://feature-store/snapshot");
}

TEST(FileEvidenceStoreTest, TamperedBlobIsReportedAsCorruption) {
  TempDir dir;
  auto store = FileEvidenceStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  auto sha = (*store)->Put("model v7 deployed at 12:00", Meta("INC-1", "capture", 1));
  ASSERT_TRUE(sha.ok());
  {
    std::fstream blob((*store)->BlobPathForTest(*sha),
                      std::ios::in | std::ios::out | std::ios::binary);
    blob.seekp(7);
    blob.put('8');  // one byte flipped: "v7" becomes "v8"
  }
  auto got = (*store)->Get(*sha);
  EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
  EXPECT_NE(got.status().message().find(*sha), std::string::npos);

  // Capturing the same content again repairs the blob.
  ASSERT_TRUE((*store)->Put("model v7 deployed at 12:00", Meta("INC-1", "capture", 2)).ok());
  auto repaired = (*store)->Get(*sha);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(*repaired, "model v7 deployed at 12:00");
}

TEST(FileEvidenceStoreTest, ListsOnlyTheIncidentsOwnRecords) {
  TempDir dir;
  auto store = FileEvidenceStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("a", Meta("INC-1", "s1", 1)).ok());
  ASSERT_TRUE((*store)->Put("b", Meta("INC-2", "s1", 2)).ok());
  ASSERT_TRUE((*store)->Put("c", Meta("INC-1", "s2", 3)).ok());
  auto inc1 = (*store)->ListByIncident("INC-1");
  ASSERT_TRUE(inc1.ok());
  ASSERT_EQ(inc1->size(), 2u);
  EXPECT_EQ((*inc1)[0].sha256, Sha256Hex("a"));
  EXPECT_EQ((*inc1)[1].sha256, Sha256Hex("c"));
  auto none = (*store)->ListByIncident("INC-404");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(FileEvidenceStoreTest, TornLastLineIsIgnoredAndBadLineIsCorruption) {
  TempDir dir;
  auto store = FileEvidenceStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("a", Meta("INC-1", "s1", 1)).ok());
  const fs::path log = dir.path() / "incidents" / "INC-1.jsonl";
  {
    std::ofstream append(log, std::ios::app);
    append << R"({"sha256":"ab)";  // a crash mid-append
  }
  auto records = (*store)->ListByIncident("INC-1");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(records->size(), 1u);
  {
    std::ofstream append(log, std::ios::app);
    append << "\n";  // now it is a complete, malformed line 2
  }
  auto broken = (*store)->ListByIncident("INC-1");
  EXPECT_EQ(broken.status().code(), StatusCode::kCorruption);
  EXPECT_NE(broken.status().message().find("line 2"), std::string::npos);
}

TEST(FileEvidenceStoreTest, RejectsPathTricksAndMalformedHashes) {
  TempDir dir;
  auto store = FileEvidenceStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  for (const char* incident : {"../etc", "", ".hidden", "a/b", "INC 1"}) {
    EXPECT_EQ((*store)->Put("x", Meta(incident, "s", 1)).status().code(),
              StatusCode::kInvalidArgument)
        << incident;
    EXPECT_EQ((*store)->ListByIncident(incident).status().code(), StatusCode::kInvalidArgument)
        << incident;
  }
  EXPECT_EQ((*store)->Get("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->Get(std::string(64, 'A')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->Get(std::string(64, 'a')).status().code(), StatusCode::kNotFound);
}

TEST(FileEvidenceStoreTest, ConcurrentPutsKeepEveryRecord) {
  TempDir dir;
  auto store = FileEvidenceStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int put_idx = 0; put_idx < kPerThread; ++put_idx) {
        // Half the content repeats across threads, so blob writes race on the same name.
        std::string content = "capture " + std::to_string(put_idx % 2 == 0 ? put_idx : thread_idx);
        EXPECT_TRUE((*store)->Put(content, Meta("INC-1", "s", put_idx)).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto records = (*store)->ListByIncident("INC-1");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(records->size(), static_cast<size_t>(kThreads * kPerThread));
  for (const auto& record : *records) EXPECT_TRUE((*store)->Get(record.sha256).ok());
}

}  // namespace
}  // namespace vakt::evidence
