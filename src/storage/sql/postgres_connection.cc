#include "storage/sql/postgres_connection.h"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "storage/postgres/pg_connection.h"

namespace vakt::storage {
namespace {

Status PgStatus(const std::exception& error) {
  if (dynamic_cast<const pqxx::unique_violation*>(&error) != nullptr) {
    return Status::AlreadyExists(fmt::format("postgres: {}", error.what()));
  }
  if (dynamic_cast<const pqxx::serialization_failure*>(&error) != nullptr) {
    return Status::Unavailable(fmt::format("postgres: {}", error.what()));
  }
  return Status::Unavailable(fmt::format("postgres: {}", error.what()));
}

SqlRows Convert(const pqxx::result& result) {
  SqlRows rows;
  for (const auto& row : result) {
    std::vector<SqlValue> values;
    values.reserve(row.size());
    for (const auto& field : row) {
      if (field.is_null()) {
        values.emplace_back(nullptr);
        continue;
      }
      // Type OIDs: int2 21, int4 23, int8 20, float4 700, float8 701, numeric 1700.
      switch (field.type()) {
        case 20: case 21: case 23: values.emplace_back(field.as<std::int64_t>()); break;
        case 700: case 701: case 1700: values.emplace_back(field.as<double>()); break;
        default: values.emplace_back(field.as<std::string>());
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

pqxx::result Exec(pqxx::transaction_base& txn, const std::string& sql,
                  const std::vector<SqlValue>& params) {
  // Convert parameters to their text forms; NULL stays NULL.
  std::vector<std::optional<std::string>> text;
  text.reserve(params.size());
  for (const SqlValue& value : params) {
    if (std::holds_alternative<std::nullptr_t>(value)) text.emplace_back(std::nullopt);
    else if (const auto* number = std::get_if<std::int64_t>(&value)) text.emplace_back(std::to_string(*number));
    else if (const auto* real = std::get_if<double>(&value)) text.emplace_back(fmt::format("{}", *real));
    else text.emplace_back(std::get<std::string>(value));
  }
  std::vector<const char*> pointers;
  pointers.reserve(text.size());
  for (const auto& value : text) pointers.push_back(value ? value->c_str() : nullptr);
  return txn.exec_params(sql, pqxx::prepare::make_dynamic_params(pointers));
}

}  // namespace

PostgresConnection::PostgresConnection(PgConnection& conn) : conn_(conn) {}
PostgresConnection::~PostgresConnection() = default;

Result<SqlRows> PostgresConnection::Query(const std::string& sql,
                                          const std::vector<SqlValue>& params) {
  try {
    if (txn_) return Convert(Exec(*txn_, sql, params));
    pqxx::work txn(conn_.conn);
    SqlRows rows = Convert(Exec(txn, sql, params));
    txn.commit();
    return rows;
  } catch (const std::exception& error) {
    if (txn_) txn_.reset();  // the transaction is aborted; the caller's Commit will fail
    return PgStatus(error);
  }
}

Status PostgresConnection::Begin() {
  try {
    txn_ = std::make_unique<pqxx::work>(conn_.conn);
    return Status::Ok();
  } catch (const std::exception& error) {
    return PgStatus(error);
  }
}

Status PostgresConnection::Commit() {
  if (!txn_) return Status::Unavailable("postgres: transaction was aborted");
  try {
    txn_->commit();
    txn_.reset();
    return Status::Ok();
  } catch (const std::exception& error) {
    txn_.reset();
    return PgStatus(error);
  }
}

Status PostgresConnection::Rollback() {
  if (!txn_) return Status::Ok();
  try {
    txn_->abort();
  } catch (const std::exception&) {
  }
  txn_.reset();
  return Status::Ok();
}

}  // namespace vakt::storage
