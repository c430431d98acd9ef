#pragma once

#include <map>
#include <string>

#include "storage/sql/sql_connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vakt::storage {

// SqliteConnection adapts a sqlite3 handle (not owned) to SqlConnection, caching prepared
// statements by SQL text. Not thread-safe: the owner serialises use.
class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override;
  Result<SqlRows> Query(const std::string& sql, const std::vector<SqlValue>& params) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  std::string Engine() const override { return "sqlite"; }

 private:
  Result<sqlite3_stmt*> Prepare(const std::string& sql);
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace vakt::storage
