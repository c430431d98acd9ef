#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "storage/alert_store.h"

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
};

// OpenDatabase opens "sqlite:PATH" (PATH created with its parent directory if missing; ":memory:"
// allowed) or "postgres://user@host:port/db", applying pending migrations. InvalidArgument for an
// unknown scheme, Unavailable when the server cannot be reached.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options = {});

}  // namespace vakt::storage
