#include "auth/auth.h"

#include <gtest/gtest.h>

namespace vakt::auth {
namespace {

class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = std::move(*storage::OpenDatabase("sqlite::memory:")); }
  std::unique_ptr<storage::Database> db_;
  FakeClock clock_;
};

TEST_F(TokenServiceTest, CreatedTokenAuthenticatesWithItsRole) {
  TokenService tokens(*db_, clock_);
  auto token = tokens.CreateToken("alice", Role::kApprover);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto principal = tokens.Authenticate("Bearer " + *token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->name, "alice");
  EXPECT_TRUE(principal->Allows(Role::kResponder));
  EXPECT_FALSE(principal->Allows(Role::kAdmin));
}

TEST_F(TokenServiceTest, OnlyTheHashIsStored) {
  TokenService tokens(*db_, clock_);
  std::string token = *tokens.CreateToken("alice", Role::kViewer);
  std::string stored;
  ASSERT_TRUE(db_->RunRead([&](storage::SqlConnection& conn) -> Status {
                   VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT token_sha256 FROM api_tokens", {}));
                   stored = rows.at(0).Text(0);
                   return Status::Ok();
                 }).ok());
  EXPECT_EQ(stored, TokenHash(token));
  EXPECT_EQ(stored.find(token.substr(5)), std::string::npos);
}

TEST_F(TokenServiceTest, UnknownMalformedAndRevokedTokensAreRefused) {
  TokenService tokens(*db_, clock_);
  std::string token = *tokens.CreateToken("bob", Role::kResponder);
  EXPECT_EQ(tokens.Authenticate("").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(tokens.Authenticate("Bearer nope").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(tokens.Authenticate("Bearer vakt_" + std::string(48, '0')).status().code(),
            StatusCode::kUnauthenticated);
  ASSERT_TRUE(tokens.Revoke("bob").ok());
  EXPECT_EQ(tokens.Authenticate("Bearer " + token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(TokenServiceTest, SecondActiveTokenForSameNameIsRefused) {
  TokenService tokens(*db_, clock_);
  ASSERT_TRUE(tokens.CreateToken("carol", Role::kViewer).ok());
  EXPECT_EQ(tokens.CreateToken("carol", Role::kAdmin).status().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace vakt::auth
