#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/database.h"

namespace vakt::storage {

struct PgConnection;  // wraps pqxx::connection; keeps libpqxx out of this header

// PostgresDatabase is the shared engine for several vakt instances: libpqxx connections (one for
// writes, one for reads, each serialised by its mutex), synchronous_commit on for kFull.
// Thread-safe.
class PostgresDatabase final : public Database, public AlertStore {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& url,
                                                const DatabaseOptions& options);
  ~PostgresDatabase() override;

  AlertStore& alerts() override { return *this; }
  std::string Engine() const override { return "postgres"; }
  Result<int> SchemaVersion() override;
  Status RunWrite(const std::function<Status(SqlConnection&)>& work) override;
  Status RunRead(const std::function<Status(SqlConnection&)>& work) override;

  Result<std::vector<AlertUpsert>> UpsertAlerts(const std::vector<Alert>& alerts) override;
  Result<Alert> GetAlert(std::uint64_t fingerprint) override;
  Result<Alert> FindByDedupKey(const std::string& scoped_dedup_key) override;
  Result<std::vector<Alert>> ListAlerts(const AlertQuery& query) override;
  Result<std::int64_t> CountAlerts() override;
  Result<std::int64_t> AddChangeEvent(const ChangeEvent& event) override;
  Result<std::vector<ChangeEvent>> ListChangeEvents(const std::string& pipeline, TimeMs since,
                                                    size_t limit) override;

 private:
  PostgresDatabase() = default;
  Status Migrate();

  std::mutex write_mu_;
  std::unique_ptr<PgConnection> write_conn_;  // GUARDED_BY(write_mu_)
  std::unique_ptr<SqlConnection> write_sql_;   // GUARDED_BY(write_mu_)
  std::mutex read_mu_;
  std::unique_ptr<PgConnection> read_conn_;  // GUARDED_BY(read_mu_)
  std::unique_ptr<SqlConnection> read_sql_;  // GUARDED_BY(read_mu_)
};

}  // namespace vakt::storage
