#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/alert_resend_index.h"
#include "storage/database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vakt::storage {

// SqliteDatabase is the embedded engine: one write connection (serialised by a mutex: SQLite
// has one writer anyway) and one read connection, in WAL mode so readers never block the writer.
// durability kFull = synchronous=FULL (fsync on every commit); the alert ingest path commits with
// synchronous=NORMAL and makes the commit durable with its own fdatasync of the WAL
// (SyncCommitted), off the write lock. Thread-safe.
class SqliteDatabase final : public Database, public AlertStore {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options);
  ~SqliteDatabase() override;

  AlertStore& alerts() override { return *this; }
  std::string Engine() const override { return "sqlite"; }
  Result<int> SchemaVersion() override;
  Status RunWrite(const std::function<Status(SqlConnection&)>& work) override;
  Status RunRead(const std::function<Status(SqlConnection&)>& work) override;

  Result<std::vector<AlertUpsert>> UpsertAlerts(const std::vector<Alert>& alerts) override;
  Result<std::vector<AlertUpsert>> UpsertAlertsUnsynced(const std::vector<Alert>& alerts) override;
  Status SyncCommitted() override;
  Result<Alert> GetAlert(std::uint64_t fingerprint) override;
  Result<Alert> FindByDedupKey(const std::string& scoped_dedup_key) override;
  Result<std::vector<Alert>> ListAlerts(const AlertQuery& query) override;
  Result<std::int64_t> CountAlerts() override;
  Result<std::int64_t> AddChangeEvent(const ChangeEvent& event) override;
  Result<std::vector<ChangeEvent>> ListChangeEvents(const std::string& pipeline, TimeMs since,
                                                    size_t limit) override;

 private:
  SqliteDatabase() = default;
  Status Migrate();
  Result<std::vector<Alert>> QueryAlerts(const std::string& where, long long bind_value,
                                         const std::string& bind_text, size_t limit);
  Result<std::vector<AlertUpsert>> WriteAlerts(const std::vector<Alert>& alerts);
  Result<bool> UpdateTimes(std::uint64_t fingerprint, const AlertRowState& before,
                           const AlertRowState& merged);

  std::mutex write_mu_;
  sqlite3* write_db_ = nullptr;                    // GUARDED_BY(write_mu_)
  sqlite3_stmt* upsert_ = nullptr;                 // GUARDED_BY(write_mu_)
  sqlite3_stmt* insert_new_ = nullptr;             // GUARDED_BY(write_mu_)
  sqlite3_stmt* update_times_ = nullptr;           // GUARDED_BY(write_mu_)
  sqlite3_stmt* update_times_keep_end_ = nullptr;  // GUARDED_BY(write_mu_)
  // Re-sends of rows this process wrote skip the upsert (see AlertResendIndex).
  AlertResendIndex resend_index_;             // GUARDED_BY(write_mu_)
  sqlite3_stmt* data_version_ = nullptr;      // GUARDED_BY(write_mu_)
  std::int64_t seen_data_version_ = -1;       // GUARDED_BY(write_mu_)
  std::unique_ptr<SqlConnection> write_sql_;  // GUARDED_BY(write_mu_)
  std::mutex read_mu_;
  sqlite3* read_db_ = nullptr;               // GUARDED_BY(read_mu_)
  std::unique_ptr<SqlConnection> read_sql_;  // GUARDED_BY(read_mu_); null for :memory:
  // The WAL file, for SyncCommitted's fdatasync (SQLite's own descriptor is not shareable across
  // threads); -1 unless durability is kFull on a file. Opened in Open and constant afterwards:
  // the WAL stays the same file while our connections are open. Closing it releases no SQLite
  // lock, as those are on the database and -shm files.
  std::string wal_path_;
  int wal_fd_ = -1;
  std::mutex sync_mu_;
  std::string sync_error_;  // GUARDED_BY(sync_mu_); set by the first failed sync, then final
};

}  // namespace vakt::storage
