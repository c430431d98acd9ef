#include "storage/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "storage/alert_codec.h"
#include "storage/sql/sqlite_connection.h"
#include "storage/sqlite/sqlite_migrations.h"

namespace vakt::storage {
namespace {

// The merge rule of AlertStore::UpsertAlerts, in SQL. `overlap` = the incoming active range
// [starts_at, ends_at] intersects the stored one. Within an overlap the newer update wins and the
// earliest startsAt is kept; without one the incoming alert starts a new occurrence.
constexpr const char* kUpsertSql = R"sql(
INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, updated_at,
                    generator_url, source, dedup_key, revision, occurrence_rev)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, 1)
ON CONFLICT (fingerprint) DO UPDATE SET
  starts_at = CASE WHEN excluded.starts_at <= alerts.ends_at AND excluded.ends_at >= alerts.starts_at
                   THEN min(alerts.starts_at, excluded.starts_at) ELSE excluded.starts_at END,
  occurrence_rev = CASE WHEN excluded.starts_at <= alerts.ends_at
                             AND excluded.ends_at >= alerts.starts_at
                        THEN alerts.occurrence_rev ELSE alerts.revision + 1 END,
  labels = CASE WHEN excluded.updated_at >= alerts.updated_at OR excluded.starts_at > alerts.ends_at
                THEN excluded.labels ELSE alerts.labels END,
  annotations = CASE WHEN excluded.updated_at >= alerts.updated_at OR excluded.starts_at > alerts.ends_at
                     THEN excluded.annotations ELSE alerts.annotations END,
  ends_at = CASE WHEN excluded.updated_at >= alerts.updated_at OR excluded.starts_at > alerts.ends_at
                 THEN excluded.ends_at ELSE alerts.ends_at END,
  generator_url = CASE WHEN excluded.updated_at >= alerts.updated_at
                       THEN excluded.generator_url ELSE alerts.generator_url END,
  updated_at = max(alerts.updated_at, excluded.updated_at),
  source = excluded.source,
  dedup_key = coalesce(excluded.dedup_key, alerts.dedup_key),
  revision = alerts.revision + 1
RETURNING revision, occurrence_rev, starts_at, ends_at, updated_at,
  labels = ?2 AND annotations = ?3 AND generator_url = ?7 AND source = ?8 AND dedup_key IS ?9,
  arrival
)sql";

// A first-time alert: stored as sent (revision 1, its own occurrence), or nothing when the
// fingerprint is already there, which the caller then upserts.
constexpr const char* kInsertNewSql = R"sql(
INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, updated_at,
                    generator_url, source, dedup_key, revision, occurrence_rev)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, 1)
ON CONFLICT (fingerprint) DO NOTHING
)sql";

// The re-send fast path (see AlertResendIndex): the merge was computed from the remembered row,
// only times and revisions change. Without ends_at in SET, SQLite leaves alerts_ends_at alone.
// The row is addressed by its arrival key (the table's rowid), so no fingerprint index descent;
// the fingerprint check makes a stale key (a row deleted and its key reused) update nothing.
constexpr const char* kUpdateTimesSql =
    "UPDATE alerts SET starts_at = ?2, updated_at = ?3, revision = ?4, occurrence_rev = ?5, "
    "ends_at = ?6 WHERE arrival = ?1 AND fingerprint = ?7";
constexpr const char* kUpdateTimesKeepEndSql =
    "UPDATE alerts SET starts_at = ?2, updated_at = ?3, revision = ?4, occurrence_rev = ?5 "
    "WHERE arrival = ?1 AND fingerprint = ?7";

constexpr const char* kAlertColumns =
    "fingerprint, labels, annotations, starts_at, ends_at, updated_at, generator_url, source, "
    "dedup_key";

// BindAlertRow binds ?1..?9 of the upsert and of the plain insert (same parameter layout).
// `labels` and `annotations` are the encoded JSON and must outlive the statement's step.
void BindAlertRow(sqlite3_stmt* stmt, const Alert& alert, const std::string& labels,
                  const std::string& annotations) {
  sqlite3_reset(stmt);
  sqlite3_bind_int64(stmt, 1, FingerprintToSql(alert.fingerprint));
  sqlite3_bind_text(stmt, 2, labels.data(), static_cast<int>(labels.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt, 3, annotations.data(), static_cast<int>(annotations.size()),
                    SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 4, alert.starts_at);
  sqlite3_bind_int64(stmt, 5, alert.ends_at);
  sqlite3_bind_int64(stmt, 6, alert.updated_at);
  sqlite3_bind_text(stmt, 7, alert.generator_url.data(),
                    static_cast<int>(alert.generator_url.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt, 8, AlertSourceName(alert.source), -1, SQLITE_STATIC);
  if (alert.dedup_key.empty()) {
    sqlite3_bind_null(stmt, 9);
  } else {
    sqlite3_bind_text(stmt, 9, alert.dedup_key.data(), static_cast<int>(alert.dedup_key.size()),
                      SQLITE_STATIC);
  }
}

Status SqliteError(sqlite3* db, const std::string& what) {
  return Status::Unavailable(fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db)));
}

Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    Status status = Status::Unavailable(fmt::format("sqlite: {}", error ? error : "error"));
    sqlite3_free(error);
    return status;
  }
  return Status::Ok();
}

// Statement owns a prepared statement for one query.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  bool ok() const { return stmt_ != nullptr; }
  Status error() const { return SqliteError(db_, "prepare"); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  return text ? reinterpret_cast<const char*>(text) : "";
}

Result<Alert> ReadAlert(sqlite3_stmt* stmt) {
  return DecodeAlert({sqlite3_column_int64(stmt, 0), ColumnText(stmt, 1), ColumnText(stmt, 2),
                      sqlite3_column_int64(stmt, 3), sqlite3_column_int64(stmt, 4),
                      sqlite3_column_int64(stmt, 5), ColumnText(stmt, 6), ColumnText(stmt, 7),
                      ColumnText(stmt, 8)});
}

const char* SynchronousPragma(DurabilityLevel level) {
  switch (level) {
    case DurabilityLevel::kFull:
      return "FULL";
    case DurabilityLevel::kNormal:
      return "NORMAL";
    case DurabilityLevel::kOff:
      return "OFF";
  }
  return "FULL";
}

Result<sqlite3*> OpenConnection(const std::string& path, const DatabaseOptions& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Status status = SqliteError(db, "open " + path);
    sqlite3_close(db);
    return status;
  }
  sqlite3_busy_timeout(db, 5000);
  // wal_autocheckpoint 10000 pages (~40 MB of WAL) instead of 1000: re-sends rewrite the same
  // pages over and over, and a checkpoint copies each page once however often it is in the WAL,
  // so checkpointing 10x less often removes most of the copy-back writes and their fsyncs.
  // Re-sends through the store, groups of 400, synchronous=FULL, on the shared machine: median
  // 13.2k -> 20.6k alerts/s (bench/ingest/analysis.md).
  Status status = Exec(db, fmt::format("PRAGMA journal_mode=WAL; PRAGMA synchronous={}; "
                                       "PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=10000;",
                                       SynchronousPragma(options.durability)));
  if (!status.ok()) {
    sqlite3_close(db);
    return status;
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<Database>> SqliteDatabase::Open(const std::string& path,
                                                       const DatabaseOptions& options) {
  if (path.empty()) return Status::InvalidArgument("sqlite: empty database path");
  if (path != ":memory:") {
    std::error_code error;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) {
      return Status::Unavailable(
          fmt::format("sqlite: cannot create directory {}: {}", parent.string(), error.message()));
    }
  }
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase());
  // ":memory:" gives each connection its own database, so the reader shares the writer then.
  VAKT_ASSIGN_OR_RETURN(database->write_db_, OpenConnection(path, options));
  // Up to 64 MiB of page cache for the writer (the default is 2 MB, ~500 pages). A batch of
  // audit leaves dirties a page of the audit_leaves_subject index per distinct subject; past
  // ~500 dirty pages SQLite spilled them to the WAL mid-transaction and re-read evicted pages
  // (bench/audit: 306k preads for 200k leaves in batches of 1000, 48k with this cache; batches
  // of 10000 went from ~50k to ~110k leaves/s). It is an upper bound, not an allocation.
  VAKT_RETURN_IF_ERROR(Exec(database->write_db_, "PRAGMA cache_size=-65536"));
  VAKT_RETURN_IF_ERROR(database->Migrate());
  if (path != ":memory:" && options.durability == DurabilityLevel::kFull) {
    // Opened now, before any alert is written, so that a write-back error of any later commit
    // is reported to this descriptor's fdatasync (Linux reports such errors only to descriptors
    // opened before them). The WAL exists: Migrate read the database in WAL mode, which creates it.
    database->wal_path_ = sqlite3_filename_wal(sqlite3_db_filename(database->write_db_, "main"));
    database->wal_fd_ = ::open(database->wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (database->wal_fd_ < 0) {
      return Status::Unavailable(fmt::format("sqlite: open {} for fdatasync: {}",
                                             database->wal_path_, std::strerror(errno)));
    }
  }
  if (path == ":memory:") {
    database->read_db_ = nullptr;
  } else {
    VAKT_ASSIGN_OR_RETURN(database->read_db_, OpenConnection(path, options));
  }
  if (sqlite3_prepare_v3(database->write_db_, kUpsertSql, -1, SQLITE_PREPARE_PERSISTENT,
                         &database->upsert_, nullptr) != SQLITE_OK) {
    return SqliteError(database->write_db_, "prepare upsert");
  }
  if (sqlite3_prepare_v3(database->write_db_, kInsertNewSql, -1, SQLITE_PREPARE_PERSISTENT,
                         &database->insert_new_, nullptr) != SQLITE_OK) {
    return SqliteError(database->write_db_, "prepare insert");
  }
  if (sqlite3_prepare_v3(database->write_db_, kUpdateTimesSql, -1, SQLITE_PREPARE_PERSISTENT,
                         &database->update_times_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(database->write_db_, kUpdateTimesKeepEndSql, -1, SQLITE_PREPARE_PERSISTENT,
                         &database->update_times_keep_end_, nullptr) != SQLITE_OK) {
    return SqliteError(database->write_db_, "prepare re-send update");
  }
  if (sqlite3_prepare_v3(database->write_db_, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                         &database->data_version_, nullptr) != SQLITE_OK) {
    return SqliteError(database->write_db_, "prepare data_version");
  }
  database->write_sql_ = std::make_unique<SqliteConnection>(database->write_db_);
  if (database->read_db_ != nullptr) {
    database->read_sql_ = std::make_unique<SqliteConnection>(database->read_db_);
  }
  return std::unique_ptr<Database>(std::move(database));
}

Status SqliteDatabase::RunWrite(const std::function<Status(SqlConnection&)>& work) {
  std::lock_guard lock(write_mu_);
  return work(*write_sql_);
}

Status SqliteDatabase::RunRead(const std::function<Status(SqlConnection&)>& work) {
  if (read_sql_ == nullptr) return RunWrite(work);
  std::lock_guard lock(read_mu_);
  return work(*read_sql_);
}

SqliteDatabase::~SqliteDatabase() {
  write_sql_.reset();
  read_sql_.reset();
  sqlite3_finalize(upsert_);
  sqlite3_finalize(insert_new_);
  sqlite3_finalize(update_times_);
  sqlite3_finalize(update_times_keep_end_);
  sqlite3_finalize(data_version_);
  sqlite3_close(read_db_);
  sqlite3_close(write_db_);
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

Status SqliteDatabase::Migrate() {
  std::lock_guard lock(write_mu_);
  VAKT_RETURN_IF_ERROR(Exec(write_db_,
                            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"));
  int current = 0;
  {
    Statement stmt(write_db_, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!stmt.ok()) return stmt.error();
    if (sqlite3_step(stmt.get()) == SQLITE_ROW) current = sqlite3_column_int(stmt.get(), 0);
  }
  for (const Migration& migration : SqliteMigrations()) {
    if (migration.version <= current) continue;
    VAKT_RETURN_IF_ERROR(Exec(write_db_, "BEGIN IMMEDIATE"));
    Status status = Exec(write_db_, migration.sql);
    if (status.ok()) {
      status = Exec(write_db_, fmt::format("INSERT INTO schema_migrations VALUES ({}, "
                                           "CAST(strftime('%s','now') AS INTEGER) * 1000)",
                                           migration.version));
    }
    if (!status.ok()) {
      (void)Exec(write_db_, "ROLLBACK");
      return status.WithContext(fmt::format("migration {}", migration.version));
    }
    VAKT_RETURN_IF_ERROR(Exec(write_db_, "COMMIT"));
  }
  return Status::Ok();
}

Result<int> SqliteDatabase::SchemaVersion() {
  std::lock_guard lock(write_mu_);
  Statement stmt(write_db_, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!stmt.ok()) return stmt.error();
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) return SqliteError(write_db_, "schema version");
  return sqlite3_column_int(stmt.get(), 0);
}

// UpdateTimes writes a merged row of the re-send fast path. Returns false (nothing written) when
// the row is not there, so the caller falls back to the full upsert.
Result<bool> SqliteDatabase::UpdateTimes(std::uint64_t fingerprint, const AlertRowState& before,
                                         const AlertRowState& merged) {
  const bool ends_changed = merged.ends_at != before.ends_at;
  sqlite3_stmt* stmt = ends_changed ? update_times_ : update_times_keep_end_;
  sqlite3_reset(stmt);
  sqlite3_bind_int64(stmt, 1, before.row_key);
  sqlite3_bind_int64(stmt, 2, merged.starts_at);
  sqlite3_bind_int64(stmt, 3, merged.updated_at);
  sqlite3_bind_int64(stmt, 4, merged.revision);
  sqlite3_bind_int64(stmt, 5, merged.occurrence_rev);
  if (ends_changed) sqlite3_bind_int64(stmt, 6, merged.ends_at);
  sqlite3_bind_int64(stmt, 7, FingerprintToSql(fingerprint));
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return SqliteError(write_db_, "update re-sent alert");
  return sqlite3_changes(write_db_) == 1;
}

Result<std::vector<AlertUpsert>> SqliteDatabase::UpsertAlerts(const std::vector<Alert>& alerts) {
  std::lock_guard lock(write_mu_);
  return WriteAlerts(alerts);
}

Result<std::vector<AlertUpsert>> SqliteDatabase::UpsertAlertsUnsynced(
    const std::vector<Alert>& alerts) {
  std::lock_guard lock(write_mu_);
  if (wal_fd_ < 0) return WriteAlerts(alerts);  // not kFull, or :memory:: nothing to sync
  // synchronous=FULL would fsync inside COMMIT, holding the write lock; NORMAL writes the same
  // WAL frames without the fsync, which SyncCommitted then does. Every other writer on this
  // connection keeps FULL: the level is restored before the lock is released.
  VAKT_RETURN_IF_ERROR(Exec(write_db_, "PRAGMA synchronous=NORMAL"));
  auto result = WriteAlerts(alerts);
  VAKT_RETURN_IF_ERROR(Exec(write_db_, "PRAGMA synchronous=FULL"));
  return result;
}

Status SqliteDatabase::SyncCommitted() {
  if (wal_fd_ < 0) return Status::Ok();
  std::lock_guard lock(sync_mu_);
  // After a failed fdatasync the kernel may have dropped the dirty pages and a later call can
  // succeed without writing them, so a failure is final: nothing is confirmed durable again.
  if (!sync_error_.empty()) return Status::Unavailable(sync_error_);
  if (::fdatasync(wal_fd_) != 0) {
    sync_error_ = fmt::format("sqlite: fdatasync {}: {}", wal_path_, std::strerror(errno));
    return Status::Unavailable(sync_error_);
  }
  return Status::Ok();
}

// WriteAlerts is the transaction of UpsertAlerts. REQUIRES: write_mu_ held.
Result<std::vector<AlertUpsert>> SqliteDatabase::WriteAlerts(const std::vector<Alert>& alerts) {
  VAKT_RETURN_IF_ERROR(Exec(write_db_, "BEGIN IMMEDIATE"));
  // data_version changes when another connection (another process on the same file) committed:
  // its writes may have touched remembered rows. Read inside the write lock, so nobody can
  // commit between this check and our writes.
  sqlite3_reset(data_version_);
  if (sqlite3_step(data_version_) == SQLITE_ROW) {
    std::int64_t version = sqlite3_column_int64(data_version_, 0);
    if (version != seen_data_version_) resend_index_.Clear();
    seen_data_version_ = version;
  } else {
    resend_index_.Clear();
  }
  sqlite3_reset(data_version_);
  // The index is updated as rows are written (a batch may carry one fingerprint twice); if the
  // transaction does not commit, it no longer matches the database and is dropped.
  auto fail = [&](Status status) {
    (void)Exec(write_db_, "ROLLBACK");
    resend_index_.Clear();
    return status;
  };
  std::vector<AlertUpsert> results;
  results.reserve(alerts.size());
  for (const Alert& alert : alerts) {
    AlertUpsert result;
    result.fingerprint = alert.fingerprint;
    const std::uint64_t content_hash = AlertContentHash(alert);
    const AlertRowState* stored = resend_index_.Find(alert.fingerprint);
    if (stored != nullptr) {
      if (auto merged = MergeResend(*stored, alert, content_hash); merged) {
        auto written = UpdateTimes(alert.fingerprint, *stored, *merged);
        if (!written.ok()) return fail(written.status());
        if (*written) {
          result.revision = merged->revision;
          result.created = merged->occurrence_rev == merged->revision;
          resend_index_.Put(alert.fingerprint, *merged);
          results.push_back(result);
          continue;
        }
      }
    }
    std::string labels = EncodeLabels(alert.labels);
    std::string annotations = EncodeLabels(alert.annotations);
    if (stored == nullptr) {
      // Probably a new alert: a plain insert is a third cheaper than the upsert with RETURNING
      // (100k new alerts in groups of 200: 18-23 vs 28-29 us each), and what it stored is known.
      BindAlertRow(insert_new_, alert, labels, annotations);
      const int rc = sqlite3_step(insert_new_);
      sqlite3_reset(insert_new_);
      if (rc != SQLITE_DONE) return fail(SqliteError(write_db_, "insert alert"));
      if (sqlite3_changes(write_db_) == 1) {
        AlertRowState state;
        state.starts_at = alert.starts_at;
        state.ends_at = alert.ends_at;
        state.updated_at = alert.updated_at;
        state.revision = 1;
        state.occurrence_rev = 1;
        state.content_hash = content_hash;
        state.row_key = sqlite3_last_insert_rowid(write_db_);
        resend_index_.Put(alert.fingerprint, state);
        result.revision = 1;
        result.created = true;
        results.push_back(result);
        continue;
      }
    }
    BindAlertRow(upsert_, alert, labels, annotations);
    if (sqlite3_step(upsert_) != SQLITE_ROW) {
      Status status = SqliteError(write_db_, "upsert alert");
      sqlite3_reset(upsert_);
      return fail(status);
    }
    result.revision = sqlite3_column_int64(upsert_, 0);
    result.created = sqlite3_column_int64(upsert_, 1) == result.revision;
    // Remember the row only when its content is now exactly the incoming alert's, so the hash
    // stands for what is stored.
    if (sqlite3_column_int64(upsert_, 5) == 1) {
      AlertRowState state;
      state.revision = result.revision;
      state.occurrence_rev = sqlite3_column_int64(upsert_, 1);
      state.starts_at = sqlite3_column_int64(upsert_, 2);
      state.ends_at = sqlite3_column_int64(upsert_, 3);
      state.updated_at = sqlite3_column_int64(upsert_, 4);
      state.content_hash = content_hash;
      state.row_key = sqlite3_column_int64(upsert_, 6);
      resend_index_.Put(alert.fingerprint, state);
    } else {
      resend_index_.Erase(alert.fingerprint);
    }
    results.push_back(result);
    sqlite3_step(upsert_);  // drain RETURNING so the statement completes
  }
  sqlite3_reset(upsert_);
  if (Status status = Exec(write_db_, "COMMIT"); !status.ok()) return fail(status);
  return results;
}

Result<std::vector<Alert>> SqliteDatabase::QueryAlerts(const std::string& where,
                                                       long long bind_value,
                                                       const std::string& bind_text, size_t limit) {
  std::unique_lock read_lock(read_mu_, std::defer_lock);
  std::unique_lock write_lock(write_mu_, std::defer_lock);
  sqlite3* db = read_db_;
  if (db == nullptr) {
    write_lock.lock();
    db = write_db_;
  } else {
    read_lock.lock();
  }
  Statement stmt(db, fmt::format("SELECT {} FROM alerts WHERE {} ORDER BY fingerprint LIMIT {}",
                                 kAlertColumns, where, limit));
  if (!stmt.ok()) return stmt.error();
  if (!bind_text.empty()) {
    sqlite3_bind_text(stmt.get(), 1, bind_text.data(), static_cast<int>(bind_text.size()),
                      SQLITE_STATIC);
  } else {
    sqlite3_bind_int64(stmt.get(), 1, bind_value);
  }
  std::vector<Alert> alerts;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    VAKT_ASSIGN_OR_RETURN(Alert alert, ReadAlert(stmt.get()));
    alerts.push_back(std::move(alert));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "query alerts");
  return alerts;
}

Result<Alert> SqliteDatabase::GetAlert(std::uint64_t fingerprint) {
  VAKT_ASSIGN_OR_RETURN(auto alerts,
                        QueryAlerts("fingerprint = ?1", FingerprintToSql(fingerprint), "", 1));
  if (alerts.empty()) return Status::NotFound("alert " + FingerprintHex(fingerprint));
  return std::move(alerts.front());
}

Result<Alert> SqliteDatabase::FindByDedupKey(const std::string& scoped_dedup_key) {
  VAKT_ASSIGN_OR_RETURN(auto alerts, QueryAlerts("dedup_key = ?1", 0, scoped_dedup_key, 1));
  if (alerts.empty()) return Status::NotFound("no alert with this dedup_key");
  return std::move(alerts.front());
}

Result<std::vector<Alert>> SqliteDatabase::ListAlerts(const AlertQuery& query) {
  std::string where = query.has_cursor ? "fingerprint > ?1" : "fingerprint >= ?1";
  long long cursor = query.has_cursor ? FingerprintToSql(query.after_fingerprint)
                                      : std::numeric_limits<long long>::min();
  if (query.state == AlertQuery::State::kActive) {
    where += fmt::format(" AND ends_at > {}", query.now);
  } else if (query.state == AlertQuery::State::kResolved) {
    where += fmt::format(" AND ends_at <= {}", query.now);
  }
  return QueryAlerts(where, cursor, "", query.limit);
}

Result<std::int64_t> SqliteDatabase::CountAlerts() {
  std::lock_guard lock(write_mu_);
  Statement stmt(write_db_, "SELECT count(*) FROM alerts");
  if (!stmt.ok()) return stmt.error();
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) return SqliteError(write_db_, "count");
  return static_cast<std::int64_t>(sqlite3_column_int64(stmt.get(), 0));
}

Result<std::int64_t> SqliteDatabase::AddChangeEvent(const ChangeEvent& event) {
  std::lock_guard lock(write_mu_);
  Statement stmt(write_db_,
                 "INSERT INTO change_events (pipeline, summary, source, version, ts, payload) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.ok()) return stmt.error();
  sqlite3_bind_text(stmt.get(), 1, event.pipeline.c_str(), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt.get(), 2, event.summary.c_str(), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt.get(), 3, event.source.c_str(), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt.get(), 4, event.version.c_str(), -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt.get(), 5, event.timestamp);
  sqlite3_bind_text(stmt.get(), 6, event.payload_json.c_str(), -1, SQLITE_STATIC);
  if (sqlite3_step(stmt.get()) != SQLITE_DONE) return SqliteError(write_db_, "insert change");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(write_db_));
}

Result<std::vector<ChangeEvent>> SqliteDatabase::ListChangeEvents(const std::string& pipeline,
                                                                  TimeMs since, size_t limit) {
  std::lock_guard lock(write_mu_);
  Statement stmt(write_db_,
                 fmt::format("SELECT id, pipeline, summary, source, version, ts, payload "
                             "FROM change_events WHERE ts >= ?1 AND (?2 = '' OR "
                             "pipeline = ?2) ORDER BY ts DESC, id DESC LIMIT {}",
                             limit));
  if (!stmt.ok()) return stmt.error();
  sqlite3_bind_int64(stmt.get(), 1, since);
  sqlite3_bind_text(stmt.get(), 2, pipeline.c_str(), -1, SQLITE_STATIC);
  std::vector<ChangeEvent> events;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    ChangeEvent event;
    event.id = sqlite3_column_int64(stmt.get(), 0);
    event.pipeline = ColumnText(stmt.get(), 1);
    event.summary = ColumnText(stmt.get(), 2);
    event.source = ColumnText(stmt.get(), 3);
    event.version = ColumnText(stmt.get(), 4);
    event.timestamp = sqlite3_column_int64(stmt.get(), 5);
    event.payload_json = ColumnText(stmt.get(), 6);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace vakt::storage
