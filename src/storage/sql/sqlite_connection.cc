#include "storage/sql/sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace vakt::storage {

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(const std::string& sql) {
  auto found = cache_.find(sql);
  if (found != cache_.end()) return found->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return Status::Internal(fmt::format("sqlite prepare: {} in: {}", sqlite3_errmsg(db_), sql));
  }
  cache_.emplace(sql, stmt);
  return stmt;
}

Result<SqlRows> SqliteConnection::Query(const std::string& sql,
                                        const std::vector<SqlValue>& params) {
  VAKT_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  for (size_t idx = 0; idx < params.size(); ++idx) {
    // "$N" parameters are named in SQLite; bind by name so $1 may appear several times.
    int position = sqlite3_bind_parameter_index(stmt, fmt::format("${}", idx + 1).c_str());
    if (position == 0) continue;  // parameter not used by this statement
    const SqlValue& value = params[idx];
    if (std::holds_alternative<std::nullptr_t>(value)) {
      sqlite3_bind_null(stmt, position);
    } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
      sqlite3_bind_int64(stmt, position, *number);
    } else if (const auto* real = std::get_if<double>(&value)) {
      sqlite3_bind_double(stmt, position, *real);
    } else {
      const auto& text = std::get<std::string>(value);
      sqlite3_bind_text(stmt, position, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT);
    }
  }
  SqlRows rows;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    int columns = sqlite3_column_count(stmt);
    std::vector<SqlValue> values;
    values.reserve(static_cast<size_t>(columns));
    for (int column = 0; column < columns; ++column) {
      switch (sqlite3_column_type(stmt, column)) {
        case SQLITE_NULL: values.emplace_back(nullptr); break;
        case SQLITE_INTEGER: values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, column))); break;
        case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, column)); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
          values.emplace_back(std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, column))));
        }
      }
    }
    rows.emplace_back(std::move(values));
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    int code = sqlite3_extended_errcode(db_);
    std::string message = fmt::format("sqlite: {}", sqlite3_errmsg(db_));
    if ((code & 0xff) == SQLITE_CONSTRAINT) return Status::AlreadyExists(message);
    return Status::Unavailable(message);
  }
  return rows;
}

Status SqliteConnection::Begin() { return Query("BEGIN IMMEDIATE", {}).status(); }
Status SqliteConnection::Commit() { return Query("COMMIT", {}).status(); }
Status SqliteConnection::Rollback() { return Query("ROLLBACK", {}).status(); }

}  // namespace vakt::storage
