#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"

namespace vakt::storage {

// SqlValue is a parameter or column value. Both engines speak these four types.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// SqlRow is one result row; columns in SELECT order.
class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}
  std::int64_t Int(size_t column) const;
  double Double(size_t column) const;
  std::string Text(size_t column) const;  // "" for NULL
  bool IsNull(size_t column) const;
  size_t size() const { return values_.size(); }

 private:
  std::vector<SqlValue> values_;
};

using SqlRows = std::vector<SqlRow>;

// SqlConnection is the small portable SQL surface that engine-neutral stores are written on.
// Statements use PostgreSQL-style positional parameters ($1, $2 …), which SQLite also accepts.
// Keep statements to the common dialect (no LEAST/GREATEST, no ::casts, RETURNING is fine).
// A connection is used by one thread at a time; SqlTransaction scopes its work.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual Result<SqlRows> Query(const std::string& sql, const std::vector<SqlValue>& params) = 0;
  virtual Status Begin() = 0;  // SQLite: BEGIN IMMEDIATE (take the write lock up front)
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  virtual std::string Engine() const = 0;
};

// SqlTransaction begins on construction and rolls back on destruction unless committed.
class SqlTransaction {
 public:
  explicit SqlTransaction(SqlConnection& conn) : conn_(conn), status_(conn.Begin()) {}
  ~SqlTransaction() {
    if (status_.ok() && !done_) (void)conn_.Rollback();
  }
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  const Status& begin_status() const { return status_; }
  Status Commit() {
    done_ = true;
    return conn_.Commit();
  }

 private:
  SqlConnection& conn_;
  Status status_;
  bool done_ = false;
};

}  // namespace vakt::storage
