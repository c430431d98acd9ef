#pragma once

#include <map>
#include <string>
#include <vector>

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
  // Prepared is a cached statement with the SQLite index of each "$N" parameter, found once at
  // prepare time (positions[N-1]; 0 = $N not used by the statement).
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> positions;
  };
  Result<const Prepared*> Prepare(const std::string& sql);
  sqlite3* db_;
  std::map<std::string, Prepared, std::less<>> cache_;
};

}  // namespace vakt::storage
