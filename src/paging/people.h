#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "oncall/user.h"
#include "paging/oncall_source.h"
#include "storage/database.h"
#include "storage/sql_oncall_people_store.h"

namespace vakt::paging {

// PersonSource says where the serving definition of a user or team comes from.
enum class PersonSource { kFile, kApi };
const char* PersonSourceName(PersonSource source);

// PeopleEntry is one user or team as served, with its origin and (for API entries) version.
struct PeopleEntry {
  PersonSource source = PersonSource::kFile;
  std::int64_t version = 0;  // 0 for file entries
};

// People manages users and teams defined through the API (table oncall_people): validated with
// the on-call file's own parser (oncall::ParseUserEntry / ParseTeamEntry, so a document is valid
// through the API exactly when it would be valid in the file), stored with an audit record, and
// laid over the file by id in the OncallSource. Deleting an API entry lets the file's entry of
// the same id (if any) serve again. Thread-safe.
class People {
 public:
  // `database`, `clock` and `oncall` must outlive this object.
  People(storage::Database& database, const Clock& clock, OncallSource& oncall)
      : database_(database), clock_(clock), oncall_(oncall) {}

  // Refresh re-reads the stored entries into the OncallSource. A stored entry that no longer
  // fits (a team member deleted from the file) is left out with a warning, not fatal.
  Status Refresh();

  // PutUser validates `document` (JSON or YAML; `id`, when present, must equal `id`) and stores
  // it. InvalidArgument naming the field for bad input; FailedPrecondition for a stale
  // `expected_version`. Returns the new version.
  Result<std::int64_t> PutUser(const std::string& id, std::string_view document,
                               std::optional<std::int64_t> expected_version,
                               const std::string& actor);
  // PutTeam likewise; every member must be a user (file or API) — InvalidArgument otherwise.
  Result<std::int64_t> PutTeam(const std::string& id, std::string_view document,
                               std::optional<std::int64_t> expected_version,
                               const std::string& actor);
  // DeleteUser removes an API-defined user. NotFound when there is none; FailedPrecondition when
  // the file has no user of that id and a team, schedule or escalation policy still names it.
  Status DeleteUser(const std::string& id, const std::string& actor);
  // DeleteTeam removes an API-defined team; FailedPrecondition when the file has no team of that
  // id and an escalation policy still targets it.
  Status DeleteTeam(const std::string& id, const std::string& actor);

  // Origin says where user/team `id` comes from now; NotFound when it is neither.
  Result<PeopleEntry> UserOrigin(const std::string& id);
  Result<PeopleEntry> TeamOrigin(const std::string& id);

 private:
  Result<PeopleEntry> Origin(storage::OncallPersonKind kind, const std::string& id, bool exists);

  storage::Database& database_;
  const Clock& clock_;
  OncallSource& oncall_;
};

// ParseUserDocument reads a user document for `id` (see People::PutUser). Pure.
Result<oncall::User> ParseUserDocument(const std::string& id, std::string_view document);
// ParseTeamDocument reads a team document for `id`. Pure.
Result<oncall::Team> ParseTeamDocument(const std::string& id, std::string_view document);
// UserJson / TeamJson are an entry as the API serves it; a user always has "notification_rules"
// (empty when it has none). Pure.
nlohmann::json UserJson(const oncall::User& user);
nlohmann::json TeamJson(const oncall::Team& team);
// UserDocument / TeamDocument write the canonical JSON stored for an entry: the served shape,
// but a user without notification rules has no "notification_rules" key. Pure.
std::string UserDocument(const oncall::User& user);
std::string TeamDocument(const oncall::Team& team);

}  // namespace vakt::paging
