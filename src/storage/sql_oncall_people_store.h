#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::storage {

// OncallPersonKind: what an oncall_people row holds (schema v11, schema/oncall_people_schema.cc).
enum class OncallPersonKind { kUser, kTeam };
const char* OncallPersonKindName(OncallPersonKind kind);

// StoredOncallPerson is one user or team document defined through the API.
struct StoredOncallPerson {
  OncallPersonKind kind = OncallPersonKind::kUser;
  std::string id;
  std::string document;  // canonical JSON; validation is the caller's (oncall/people_json.h)
  std::int64_t version = 0;
  std::string updated_by;
  TimeMs updated_at = 0;
};

// SqlOncallPeopleStore keeps API-defined users and teams. Every change appends an audit record
// ("user.put", "team.delete", ...; subject "user/<id>") in its own write transaction, so a
// change without its record, or a record of a change that rolled back, cannot exist.
// Thread-safe (the Database serialises writes).
class SqlOncallPeopleStore {
 public:
  explicit SqlOncallPeopleStore(Database& database) : database_(database) {}

  // Put inserts or replaces `id`. With `expected_version` set, the stored version must match
  // (0 = must not exist yet), else FailedPrecondition. Returns the new version.
  Result<std::int64_t> Put(OncallPersonKind kind, const std::string& id,
                           const std::string& document,
                           std::optional<std::int64_t> expected_version, const std::string& actor,
                           TimeMs now);
  // Delete removes an API-defined entry; NotFound when there is none.
  Status Delete(OncallPersonKind kind, const std::string& id, const std::string& actor, TimeMs now);
  // List returns the entries of `kind` ordered by id.
  Result<std::vector<StoredOncallPerson>> List(OncallPersonKind kind);

 private:
  Database& database_;
};

}  // namespace vakt::storage
