// The EvidenceStore contract, run against every implementation.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "evidence/file_evidence_store.h"
#include "evidence/in_memory_evidence_store.h"

namespace vakt::evidence {
namespace {

namespace fs = std::filesystem;

// StoreUnderTest owns a store and whatever it needs (a directory); `corrupt` flips stored bytes.
struct StoreUnderTest {
  std::unique_ptr<EvidenceStore> store;
  std::function<bool(const std::string& sha256)> corrupt;
  fs::path dir;
  ~StoreUnderTest() {
    store.reset();
    std::error_code error;
    if (!dir.empty()) fs::remove_all(dir, error);
  }
};

using Factory = std::function<std::unique_ptr<StoreUnderTest>()>;

std::unique_ptr<StoreUnderTest> MakeFileStore() {
  auto under_test = std::make_unique<StoreUnderTest>();
  const char* base = std::getenv("VAKT_BINARY_DIR");
  under_test->dir = fs::path(base != nullptr ? base : "/tmp") /
                    ("evidence_contract_" + std::to_string(::getpid()) + "_" + RandomToken(6));
  auto opened = FileEvidenceStore::Open(under_test->dir);
  if (!opened.ok()) return nullptr;
  FileEvidenceStore* raw = opened->get();
  under_test->store = std::move(opened).value();
  under_test->corrupt = [raw](const std::string& sha256) {
    std::fstream blob(raw->BlobPathForTest(sha256), std::ios::in | std::ios::out | std::ios::binary);
    if (!blob) return false;
    char first = 0;
    blob.get(first);
    blob.seekp(0);
    blob.put(static_cast<char>(first ^ 0x01));
    return true;
  };
  return under_test;
}

std::unique_ptr<StoreUnderTest> MakeMemoryStore() {
  auto under_test = std::make_unique<StoreUnderTest>();
  auto store = std::make_unique<InMemoryEvidenceStore>();
  InMemoryEvidenceStore* raw = store.get();
  under_test->store = std::move(store);
  under_test->corrupt = [raw](const std::string& sha256) { return raw->CorruptForTest(sha256); };
  return under_test;
}

class EvidenceStoreContractTest : public ::testing::TestWithParam<Factory> {
 protected:
  void SetUp() override {
    under_test_ = GetParam()();
    ASSERT_NE(under_test_, nullptr);
  }
  EvidenceStore& store() { return *under_test_->store; }
  std::unique_ptr<StoreUnderTest> under_test_;
};

EvidenceMetadata Meta(const std::string& incident, const std::string& step) {
  return {incident, step, "prometheus", "rate(fraud_predictions_total[5m])", 1'000, "application/json", "", ""};
}

TEST_P(EvidenceStoreContractTest, RoundTripsContentByHash) {
  const std::string content = std::string("binary\0bytes\xff", 13);
  auto sha = store().Put(content, Meta("INC-1", "capture"));
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, Sha256Hex(content));
  auto got = store().Get(*sha);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, content);
}

TEST_P(EvidenceStoreContractTest, CorruptedContentIsDetected) {
  auto sha = store().Put("range query result", Meta("INC-1", "capture"));
  ASSERT_TRUE(sha.ok());
  ASSERT_TRUE(under_test_->corrupt(*sha));
  EXPECT_EQ(store().Get(*sha).status().code(), StatusCode::kCorruption);
}

TEST_P(EvidenceStoreContractTest, ListsRecordsPerIncidentInOrder) {
  ASSERT_TRUE(store().Put("x", Meta("INC-1", "a")).ok());
  ASSERT_TRUE(store().Put("x", Meta("INC-1", "b")).ok());
  ASSERT_TRUE(store().Put("y", Meta("INC-2", "a")).ok());
  auto records = store().ListByIncident("INC-1");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].metadata.step_id, "a");
  EXPECT_EQ((*records)[1].metadata.step_id, "b");
  EXPECT_EQ((*records)[1].sha256, Sha256Hex("x"));
  EXPECT_EQ((*records)[1].metadata.collector, "prometheus");
  EXPECT_TRUE(store().ListByIncident("INC-3")->empty());
}

TEST_P(EvidenceStoreContractTest, RejectsMalformedKeys) {
  EXPECT_EQ(store().Put("x", Meta("../x", "a")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Get("not-a-hash").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Get(std::string(64, '0')).status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(AllStores, EvidenceStoreContractTest,
                         ::testing::Values(Factory(&MakeFileStore), Factory(&MakeMemoryStore)),
                         [](const ::testing::TestParamInfo<Factory>& param) {
                           return param.index == 0 ? std::string("File") : std::string("InMemory");
                         });

}  // namespace
}  // namespace vakt::evidence
