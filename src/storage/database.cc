#include "storage/database.h"

#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace vakt::storage {

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options) {
  if (url.rfind("sqlite:", 0) == 0) {
    return SqliteDatabase::Open(url.substr(7), options);
  }
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return PostgresDatabase::Open(url, options);
  }
  return Status::InvalidArgument("unknown database URL \"" + url +
                                 "\": use sqlite:PATH or postgres://user@host:port/db");
}

}  // namespace vakt::storage
