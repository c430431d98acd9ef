#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "storage/alert_store.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// DurabilityLevel says when a commit returns. kFull (the default) means after an fsync of the
// write-ahead log: a 2xx answered after commit survives power loss.
enum class DurabilityLevel { kFull, kNormal, kOff };

struct DatabaseOptions {
  DurabilityLevel durability = DurabilityLevel::kFull;
};

// Database owns a connection to one storage engine and hands out its stores. Engine-specific SQL
// stays in storage/sqlite/ and storage/postgres/; everything above sees only these interfaces.
// Thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  virtual AlertStore& alerts() = 0;
  // Engine names the backend ("sqlite" or "postgres").
  virtual std::string Engine() const = 0;
  // SchemaVersion is the highest applied migration.
  virtual Result<int> SchemaVersion() = 0;

  // RunWrite gives `work` exclusive use of the write connection (serialised with alert commits);
  // `work` scopes its own SqlTransaction. Engine-neutral stores (storage/sql_*_store) use this.
  virtual Status RunWrite(const std::function<Status(SqlConnection&)>& work) = 0;
  // RunRead gives `work` the read connection (a consistent snapshot per transaction).
  virtual Status RunRead(const std::function<Status(SqlConnection&)>& work) = 0;
};

// OpenDatabase opens "sqlite:PATH" (PATH created with its parent directory if missing; ":memory:"
// allowed) or "postgres://user@host:port/db", applying pending migrations. InvalidArgument for an
// unknown scheme, Unavailable when the server cannot be reached.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options = {});

}  // namespace vakt::storage
