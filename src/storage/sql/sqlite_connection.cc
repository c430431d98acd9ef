#include "storage/sql/sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>

namespace vakt::storage {

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, prepared] : cache_) sqlite3_finalize(prepared.stmt);
}

Result<const SqliteConnection::Prepared*> SqliteConnection::Prepare(const std::string& sql) {
  auto found = cache_.find(sql);
  if (found != cache_.end()) return &found->second;
  Prepared prepared;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &prepared.stmt,
                         nullptr) != SQLITE_OK) {
    sqlite3_finalize(prepared.stmt);
    return Status::Internal(fmt::format("sqlite prepare: {} in: {}", sqlite3_errmsg(db_), sql));
  }
  // "$N" parameters are named in SQLite (so $1 may appear several times); map each N to its
  // index once here instead of looking the name up on every bind.
  const int count = sqlite3_bind_parameter_count(prepared.stmt);
  for (int index = 1; index <= count; ++index) {
    const char* name = sqlite3_bind_parameter_name(prepared.stmt, index);
    // Exactly "$N" as the old by-name lookup of fmt::format("${}", N) matched: no leading 0.
    if (name == nullptr || name[0] != '$' || name[1] < '1' || name[1] > '9') continue;
    size_t number = 0;
    bool digits = true;
    for (const char* c = name + 1; *c != '\0'; ++c) {
      if (*c < '0' || *c > '9' || number > 100000) {
        digits = false;
        break;
      }
      number = number * 10 + static_cast<size_t>(*c - '0');
    }
    if (!digits || number == 0) continue;
    if (prepared.positions.size() < number) prepared.positions.resize(number, 0);
    prepared.positions[number - 1] = index;
  }
  return &cache_.emplace(sql, std::move(prepared)).first->second;
}

Result<SqlRows> SqliteConnection::Query(const std::string& sql,
                                        const std::vector<SqlValue>& params) {
  VAKT_ASSIGN_OR_RETURN(const Prepared* prepared, Prepare(sql));
  sqlite3_stmt* stmt = prepared->stmt;
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  const size_t bound = std::min(params.size(), prepared->positions.size());
  for (size_t idx = 0; idx < bound; ++idx) {
    const int position = prepared->positions[idx];
    if (position == 0) continue;  // parameter not used by this statement
    const SqlValue& value = params[idx];
    if (std::holds_alternative<std::nullptr_t>(value)) {
      sqlite3_bind_null(stmt, position);
    } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
      sqlite3_bind_int64(stmt, position, *number);
    } else if (const auto* real = std::get_if<double>(&value)) {
      sqlite3_bind_double(stmt, position, *real);
    } else {
      // SQLITE_STATIC: `params` outlives every step of this statement, and the bindings are
      // cleared below before Query returns.
      const auto& text = std::get<std::string>(value);
      sqlite3_bind_text(stmt, position, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
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
        case SQLITE_NULL:
          values.emplace_back(nullptr);
          break;
        case SQLITE_INTEGER:
          values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, column)));
          break;
        case SQLITE_FLOAT:
          values.emplace_back(sqlite3_column_double(stmt, column));
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
          values.emplace_back(std::string(text ? text : "",
                                          static_cast<size_t>(sqlite3_column_bytes(stmt, column))));
        }
      }
    }
    rows.emplace_back(std::move(values));
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
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
