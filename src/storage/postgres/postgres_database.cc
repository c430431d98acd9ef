#include "storage/postgres/postgres_database.h"

#include <fmt/format.h>

#include <limits>
#include <pqxx/pqxx>

#include "storage/alert_codec.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/postgres_migrations.h"
#include "storage/sql/postgres_connection.h"

namespace vakt::storage {

namespace {

// Same merge rule as the SQLite engine (see AlertStore::UpsertAlerts).
constexpr const char* kPgUpsertSql = R"sql(
INSERT INTO alerts AS a (fingerprint, labels, annotations, starts_at, ends_at, updated_at,
                         generator_url, source, dedup_key, revision, occurrence_rev)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, 1)
ON CONFLICT (fingerprint) DO UPDATE SET
  starts_at = CASE WHEN excluded.starts_at <= a.ends_at AND excluded.ends_at >= a.starts_at
                   THEN LEAST(a.starts_at, excluded.starts_at) ELSE excluded.starts_at END,
  occurrence_rev = CASE WHEN excluded.starts_at <= a.ends_at AND excluded.ends_at >= a.starts_at
                        THEN a.occurrence_rev ELSE a.revision + 1 END,
  labels = CASE WHEN excluded.updated_at >= a.updated_at OR excluded.starts_at > a.ends_at
                THEN excluded.labels ELSE a.labels END,
  annotations = CASE WHEN excluded.updated_at >= a.updated_at OR excluded.starts_at > a.ends_at
                     THEN excluded.annotations ELSE a.annotations END,
  ends_at = CASE WHEN excluded.updated_at >= a.updated_at OR excluded.starts_at > a.ends_at
                 THEN excluded.ends_at ELSE a.ends_at END,
  generator_url = CASE WHEN excluded.updated_at >= a.updated_at
                       THEN excluded.generator_url ELSE a.generator_url END,
  updated_at = GREATEST(a.updated_at, excluded.updated_at),
  source = excluded.source,
  dedup_key = COALESCE(excluded.dedup_key, a.dedup_key),
  revision = a.revision + 1
RETURNING revision, occurrence_rev
)sql";

constexpr const char* kPgAlertColumns =
    "fingerprint, labels, annotations, starts_at, ends_at, updated_at, generator_url, source, "
    "COALESCE(dedup_key, '')";

Status PgError(const std::exception& error, const std::string& what) {
  return Status::Unavailable(fmt::format("postgres {}: {}", what, error.what()));
}

Result<Alert> ReadAlert(const pqxx::row& row) {
  return DecodeAlert({row[0].as<long long>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<long long>(), row[4].as<long long>(), row[5].as<long long>(),
                      row[6].as<std::string>(), row[7].as<std::string>(),
                      row[8].as<std::string>()});
}

Result<std::unique_ptr<PgConnection>> Connect(const std::string& url,
                                              const DatabaseOptions& options) {
  try {
    auto conn = std::make_unique<PgConnection>(url);
    const char* sync = options.durability == DurabilityLevel::kFull     ? "on"
                       : options.durability == DurabilityLevel::kNormal ? "local"
                                                                        : "off";
    pqxx::nontransaction setup(conn->conn);
    setup.exec(fmt::format("SET synchronous_commit = {}", sync));
    return conn;
  } catch (const std::exception& error) {
    return PgError(error, "connect");
  }
}

}  // namespace

Result<std::unique_ptr<Database>> PostgresDatabase::Open(const std::string& url,
                                                         const DatabaseOptions& options) {
  std::unique_ptr<PostgresDatabase> database(new PostgresDatabase());
  VAKT_ASSIGN_OR_RETURN(database->write_conn_, Connect(url, options));
  VAKT_ASSIGN_OR_RETURN(database->read_conn_, Connect(url, options));
  VAKT_RETURN_IF_ERROR(database->Migrate());
  try {
    database->write_conn_->conn.prepare("upsert_alert", kPgUpsertSql);
  } catch (const std::exception& error) {
    return PgError(error, "prepare");
  }
  database->write_sql_ = std::make_unique<PostgresConnection>(*database->write_conn_);
  database->read_sql_ = std::make_unique<PostgresConnection>(*database->read_conn_);
  return std::unique_ptr<Database>(std::move(database));
}

PostgresDatabase::~PostgresDatabase() {
  write_sql_.reset();
  read_sql_.reset();
}

Status PostgresDatabase::RunWrite(const std::function<Status(SqlConnection&)>& work) {
  std::lock_guard lock(write_mu_);
  return work(*write_sql_);
}

Status PostgresDatabase::RunRead(const std::function<Status(SqlConnection&)>& work) {
  std::lock_guard lock(read_mu_);
  return work(*read_sql_);
}

Status PostgresDatabase::Migrate() {
  std::lock_guard lock(write_mu_);
  try {
    pqxx::work txn(write_conn_->conn);
    // One migrator at a time across every vakt instance sharing this database.
    txn.exec("SELECT pg_advisory_xact_lock(7406171)");
    txn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at BIGINT NOT NULL)");
    int current = txn.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
    for (const Migration& migration : PostgresMigrations()) {
      if (migration.version <= current) continue;
      txn.exec(migration.sql);
      txn.exec(
          fmt::format("INSERT INTO schema_migrations VALUES ({}, "
                      "(EXTRACT(EPOCH FROM now()) * 1000)::BIGINT)",
                      migration.version));
    }
    txn.commit();
    return Status::Ok();
  } catch (const std::exception& error) {
    return PgError(error, "migrate");
  }
}

Result<int> PostgresDatabase::SchemaVersion() {
  std::lock_guard lock(read_mu_);
  try {
    pqxx::read_transaction txn(read_conn_->conn);
    return txn.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
  } catch (const std::exception& error) {
    return PgError(error, "schema version");
  }
}

Result<std::vector<AlertUpsert>> PostgresDatabase::UpsertAlerts(const std::vector<Alert>& alerts) {
  std::lock_guard lock(write_mu_);
  try {
    pqxx::work txn(write_conn_->conn);
    std::vector<AlertUpsert> results;
    results.reserve(alerts.size());
    for (const Alert& alert : alerts) {
      const char* dedup = alert.dedup_key.empty() ? nullptr : alert.dedup_key.c_str();
      pqxx::row row = txn.exec_prepared1(
          "upsert_alert", FingerprintToSql(alert.fingerprint), EncodeLabels(alert.labels),
          EncodeLabels(alert.annotations), alert.starts_at, alert.ends_at, alert.updated_at,
          alert.generator_url, AlertSourceName(alert.source), dedup);
      AlertUpsert result;
      result.fingerprint = alert.fingerprint;
      result.revision = row[0].as<long long>();
      result.created = row[1].as<long long>() == result.revision;
      results.push_back(result);
    }
    txn.commit();
    return results;
  } catch (const std::exception& error) {
    return PgError(error, "upsert alerts");
  }
}

Result<Alert> PostgresDatabase::GetAlert(std::uint64_t fingerprint) {
  std::lock_guard lock(read_mu_);
  try {
    pqxx::read_transaction txn(read_conn_->conn);
    pqxx::result rows = txn.exec_params(
        fmt::format("SELECT {} FROM alerts WHERE fingerprint = $1", kPgAlertColumns),
        FingerprintToSql(fingerprint));
    if (rows.empty()) return Status::NotFound("alert " + FingerprintHex(fingerprint));
    return ReadAlert(rows[0]);
  } catch (const std::exception& error) {
    return PgError(error, "get alert");
  }
}

Result<Alert> PostgresDatabase::FindByDedupKey(const std::string& scoped_dedup_key) {
  std::lock_guard lock(read_mu_);
  try {
    pqxx::read_transaction txn(read_conn_->conn);
    pqxx::result rows = txn.exec_params(
        fmt::format("SELECT {} FROM alerts WHERE dedup_key = $1 LIMIT 1", kPgAlertColumns),
        scoped_dedup_key);
    if (rows.empty()) return Status::NotFound("no alert with this dedup_key");
    return ReadAlert(rows[0]);
  } catch (const std::exception& error) {
    return PgError(error, "find by dedup key");
  }
}

Result<std::vector<Alert>> PostgresDatabase::ListAlerts(const AlertQuery& query) {
  std::lock_guard lock(read_mu_);
  try {
    pqxx::read_transaction txn(read_conn_->conn);
    std::string where = query.has_cursor ? "fingerprint > $1" : "fingerprint >= $1";
    long long cursor = query.has_cursor ? FingerprintToSql(query.after_fingerprint)
                                        : std::numeric_limits<long long>::min();
    if (query.state == AlertQuery::State::kActive) {
      where += fmt::format(" AND ends_at > {}", query.now);
    } else if (query.state == AlertQuery::State::kResolved) {
      where += fmt::format(" AND ends_at <= {}", query.now);
    }
    pqxx::result rows =
        txn.exec_params(fmt::format("SELECT {} FROM alerts WHERE {} ORDER BY fingerprint LIMIT {}",
                                    kPgAlertColumns, where, query.limit),
                        cursor);
    std::vector<Alert> alerts;
    for (const auto& row : rows) {
      VAKT_ASSIGN_OR_RETURN(Alert alert, ReadAlert(row));
      alerts.push_back(std::move(alert));
    }
    return alerts;
  } catch (const std::exception& error) {
    return PgError(error, "list alerts");
  }
}

Result<std::int64_t> PostgresDatabase::CountAlerts() {
  std::lock_guard lock(read_mu_);
  try {
    pqxx::read_transaction txn(read_conn_->conn);
    return static_cast<std::int64_t>(txn.exec1("SELECT count(*) FROM alerts")[0].as<long long>());
  } catch (const std::exception& error) {
    return PgError(error, "count alerts");
  }
}

Result<std::int64_t> PostgresDatabase::AddChangeEvent(const ChangeEvent& event) {
  std::lock_guard lock(write_mu_);
  try {
    pqxx::work txn(write_conn_->conn);
    pqxx::row row = txn.exec_params1(
        "INSERT INTO change_events (pipeline, summary, source, version, ts, payload) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        event.pipeline, event.summary, event.source, event.version, event.timestamp,
        event.payload_json);
    txn.commit();
    return static_cast<std::int64_t>(row[0].as<long long>());
  } catch (const std::exception& error) {
    return PgError(error, "insert change event");
  }
}

Result<std::vector<ChangeEvent>> PostgresDatabase::ListChangeEvents(const std::string& pipeline,
                                                                    TimeMs since, size_t limit) {
  std::lock_guard lock(read_mu_);
  try {
    pqxx::read_transaction txn(read_conn_->conn);
    pqxx::result rows = txn.exec_params(
        fmt::format("SELECT id, pipeline, summary, source, version, ts, payload FROM change_events "
                    "WHERE ts >= $1 AND ($2 = '' OR pipeline = $2) ORDER BY ts DESC, id DESC "
                    "LIMIT {}",
                    limit),
        since, pipeline);
    std::vector<ChangeEvent> events;
    for (const auto& row : rows) {
      ChangeEvent event;
      event.id = row[0].as<long long>();
      event.pipeline = row[1].as<std::string>();
      event.summary = row[2].as<std::string>();
      event.source = row[3].as<std::string>();
      event.version = row[4].as<std::string>();
      event.timestamp = row[5].as<long long>();
      event.payload_json = row[6].as<std::string>();
      events.push_back(std::move(event));
    }
    return events;
  } catch (const std::exception& error) {
    return PgError(error, "list change events");
  }
}

}  // namespace vakt::storage
