#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
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
// directory, or a database of its own on the PostgreSQL server (created here, dropped on
// destruction), so that suites running in parallel under `ctest -j` never share state.
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
      server_url_ = std::getenv("VAKT_TEST_POSTGRES_URL");
      static std::atomic<int> counter{0};
      database_ = "vakt_contract_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
      pqxx::connection conn(server_url_);
      pqxx::nontransaction txn(conn);
      txn.exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
      txn.exec("CREATE DATABASE " + database_);
      url_ = server_url_.substr(0, server_url_.rfind('/') + 1) + database_;
    }
  }
  ~ContractDatabase() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!database_.empty()) {
      try {
        pqxx::connection conn(server_url_);
        pqxx::nontransaction txn(conn);
        txn.exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
      } catch (const std::exception& error) {
        // A leftover database only costs disk in the throwaway cluster; say so, do not throw.
        std::fprintf(stderr, "contract test: could not drop %s: %s\n", database_.c_str(),
                     error.what());
      }
    }
  }
  ContractDatabase(const ContractDatabase&) = delete;
  ContractDatabase& operator=(const ContractDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::filesystem::path dir_;
  std::string server_url_;
  std::string database_;
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
