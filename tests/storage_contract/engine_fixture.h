#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "storage/database.h"

namespace vakt::storage {

// ContractEngines lists the engines a contract suite runs on: "sqlite" always, "postgres" when
// VAKT_TEST_POSTGRES_URL names a server (./test starts a throwaway PostgreSQL 15 and sets it).
inline std::vector<std::string> ContractEngines() {
  std::vector<std::string> engines = {"sqlite"};
  if (std::getenv("VAKT_TEST_POSTGRES_URL") != nullptr) engines.push_back("postgres");
  return engines;
}

// ContractDatabase gives each test an empty database on `engine`: a fresh SQLite file in a temp
// directory (removed on destruction), or the PostgreSQL server with its schema dropped.
class ContractDatabase {
 public:
  explicit ContractDatabase(const std::string& engine) {
    if (engine == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() /
             ("vakt-contract-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(dir_);
      url_ = "sqlite:" + (dir_ / "vakt.db").string();
    } else {
      url_ = std::getenv("VAKT_TEST_POSTGRES_URL");
      pqxx::connection conn(url_);
      pqxx::work txn(conn);
      txn.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
      txn.commit();
    }
  }
  ~ContractDatabase() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  ContractDatabase(const ContractDatabase&) = delete;
  ContractDatabase& operator=(const ContractDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::filesystem::path dir_;
  std::string url_;
};

// ContractTest gives each test an empty database on the engine named by its parameter (see
// ContractEngines). Suites derive from it and build their stores in SetUp after calling
// ContractTest::SetUp().
class ContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    fixture_ = std::make_unique<ContractDatabase>(GetParam());
    auto db = OpenDatabase(fixture_->url());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  std::unique_ptr<ContractDatabase> fixture_;
  std::unique_ptr<Database> db_;
};

}  // namespace vakt::storage
