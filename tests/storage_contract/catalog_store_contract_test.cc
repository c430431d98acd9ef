#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/sql_catalog_store.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

class CatalogStoreContractTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<SqlCatalogStore>(*db_);
  }

  std::int64_t AuditRows(const std::string& subject) {
    std::int64_t count = -1;
    EXPECT_TRUE(db_->RunRead([&](SqlConnection& conn) -> Status {
                     VAKT_ASSIGN_OR_RETURN(
                         SqlRows rows,
                         conn.Query("SELECT COUNT(*) FROM audit_leaves WHERE subject = $1",
                                    {subject}));
                     count = rows[0].Int(0);
                     return Status::Ok();
                   }).ok());
    return count;
  }

  std::unique_ptr<SqlCatalogStore> store_;
};

TEST_P(CatalogStoreContractTest, PutThenListReturnsTheDocumentWithItsVersionAndAuthor) {
  auto version = store_->PutPipeline("churn", "id: churn\ntitle: Churn\n", std::nullopt,
                                     "token:alice", 1000);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 1);
  auto replaced = store_->PutPipeline("churn", "id: churn\ntitle: Churn v2\n", 1, "token:bob", 2000);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(*replaced, 2);
  auto listed = store_->ListPipelines();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).document, "id: churn\ntitle: Churn v2\n");
  EXPECT_EQ(listed->at(0).version, 2);
  EXPECT_EQ(listed->at(0).updated_by, "token:bob");
  EXPECT_EQ(listed->at(0).updated_at, 2000);
}

TEST_P(CatalogStoreContractTest, StaleExpectedVersionIsRefusedAndChangesNothing) {
  ASSERT_TRUE(store_->PutPipeline("churn", "a", std::nullopt, "u", 1).ok());
  auto stale = store_->PutPipeline("churn", "b", 0, "u", 2);
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  auto listed = store_->ListPipelines();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->at(0).document, "a");
  EXPECT_EQ(AuditRows("pipeline/churn"), 1);  // the refused change left no audit record
}

TEST_P(CatalogStoreContractTest, EveryChangeIsAuditedAndDeleteOfUnknownIsNotFound) {
  ASSERT_TRUE(store_->PutPipeline("churn", "a", std::nullopt, "u", 1).ok());
  ASSERT_TRUE(store_->DeletePipeline("churn", "u", 2).ok());
  EXPECT_EQ(AuditRows("pipeline/churn"), 2);
  EXPECT_EQ(store_->DeletePipeline("churn", "u", 3).code(), StatusCode::kNotFound);
  auto listed = store_->ListPipelines();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogStoreContractTest, ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
