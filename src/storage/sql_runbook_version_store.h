#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// RunbookVersion is one recorded state of a runbook's YAML source.
struct RunbookVersion {
  std::string runbook_id;
  std::int64_t version = 0;  // 1, 2, … per runbook
  std::string content_hash;  // lowercase hex SHA-256 of content
  std::string content;
  std::string author;
  TimeMs created_at = 0;
  std::string message;
  std::string source;            // reload | api | proposal
  std::int64_t incident_id = 0;  // 0 = none
  std::int64_t proposal_id = 0;  // 0 = none
};

// RecordRunbookVersionIn records `draft` as the runbook's next version inside the caller's open
// transaction, with its "runbook.version" audit record, unless the latest stored version already
// has the same content hash. Returns the stored version, or nullopt when nothing changed.
Result<std::optional<RunbookVersion>> RecordRunbookVersionIn(SqlConnection& conn,
                                                             const RunbookVersion& draft,
                                                             TimeMs now);

// SqlRunbookVersionStore keeps the history of every runbook's source (issues 3 and 9).
// Engine-neutral. Thread-safe.
class SqlRunbookVersionStore {
 public:
  explicit SqlRunbookVersionStore(Database& database) : database_(database) {}

  // RecordIfChanged stores `draft` (version number assigned here) in its own transaction when
  // its content hash differs from the latest stored version; nullopt when unchanged.
  Result<std::optional<RunbookVersion>> RecordIfChanged(const RunbookVersion& draft, TimeMs now);
  // List returns a runbook's versions, oldest first, without their content.
  Result<std::vector<RunbookVersion>> List(const std::string& runbook_id);
  // Get returns one version with content; NotFound when it does not exist.
  Result<RunbookVersion> Get(const std::string& runbook_id, std::int64_t version);
  // Latest returns the newest version; NotFound when the runbook has none.
  Result<RunbookVersion> Latest(const std::string& runbook_id);

 private:
  Database& database_;
};

}  // namespace vakt::storage
