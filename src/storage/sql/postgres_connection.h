#pragma once

#include <memory>
#include <string>

#include "storage/sql/sql_connection.h"

namespace pqxx {
class dbtransaction;
}

namespace vakt::storage {

struct PgConnection;

// PostgresConnection adapts a libpqxx connection (not owned) to SqlConnection; outside an explicit
// transaction each Query runs in its own. Not thread-safe: the owner serialises use.
class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PgConnection& conn);
  ~PostgresConnection() override;
  Result<SqlRows> Query(const std::string& sql, const std::vector<SqlValue>& params) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  std::string Engine() const override { return "postgres"; }

 private:
  PgConnection& conn_;
  std::unique_ptr<pqxx::dbtransaction> txn_;
};

}  // namespace vakt::storage
