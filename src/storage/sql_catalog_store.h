#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::storage {

// StoredPipeline is one pipeline document defined through the API.
struct StoredPipeline {
  std::string id;
  std::string document;
  std::int64_t version = 0;
  std::string updated_by;
  TimeMs updated_at = 0;
};

// SqlCatalogStore keeps API-defined pipeline documents (validation is the caller's: the catalog
// module parses them). Each change appends an audit record in the same transaction.
class SqlCatalogStore {
 public:
  explicit SqlCatalogStore(Database& database) : database_(database) {}

  // PutPipeline inserts or replaces `id`. With `expected_version` set, the stored version must
  // match (0 = must not exist yet), else FailedPrecondition. Returns the new version.
  Result<std::int64_t> PutPipeline(const std::string& id, const std::string& document,
                                   std::optional<std::int64_t> expected_version,
                                   const std::string& actor, TimeMs now);
  // DeletePipeline removes an API-defined pipeline; NotFound when there is none.
  Status DeletePipeline(const std::string& id, const std::string& actor, TimeMs now);
  Result<std::vector<StoredPipeline>> ListPipelines();

 private:
  Database& database_;
};

}  // namespace vakt::storage
