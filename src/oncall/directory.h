#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oncall/schedule.h"
#include "oncall/user.h"
#include "oncall/yaml_reader.h"

namespace vakt::oncall {

// Directory holds the people side of on-call: users, teams and schedules, cross-checked (every
// user a team or schedule names exists). Built once by ParseDirectory, then immutable; safe to
// share read-only between threads. Reload = parse a new Directory, then swap.
class Directory {
 public:
  const User* FindUser(std::string_view id) const;
  const Team* FindTeam(std::string_view id) const;
  const Schedule* FindSchedule(std::string_view id) const;

  const std::map<std::string, User, std::less<>>& users() const { return users_; }
  const std::map<std::string, Team, std::less<>>& teams() const { return teams_; }
  const std::map<std::string, Schedule, std::less<>>& schedules() const { return schedules_; }

  // ParseDirectory reads the `users`, `teams` and `schedules` keys of `root` (other keys are the
  // caller's to check; see LoadDirectoryFile for a file with only these). Strict: unknown keys,
  // duplicate ids, unknown user references, unknown zones and bad durations are InvalidArgument
  // errors naming file, path, line and value.
  static Result<Directory> Parse(const YamlReader& root);

  // AddOverride adds an override to a schedule of this (copied) directory: how API-made
  // overrides join the loaded file. NotFound for an unknown schedule or user; InvalidArgument
  // unless start < end.
  Status AddOverride(std::string_view schedule_id, const Override& entry);

  // PutUser adds `user` to this (copied) directory or replaces the user with its id: how users
  // defined through the API join the loaded file (an API user wins over a file user by id).
  void PutUser(User user);
  // PutTeam does the same for a team. NotFound when a member is not a user here.
  Status PutTeam(Team team);
  // ReferencesTo names what in this directory refers to user `id` (team and schedule layer
  // members, overrides), e.g. {"team ml", "schedule primary"}; empty when nothing does.
  std::vector<std::string> ReferencesTo(std::string_view user_id) const;

 private:
  std::map<std::string, User, std::less<>> users_;
  std::map<std::string, Team, std::less<>> teams_;
  std::map<std::string, Schedule, std::less<>> schedules_;
};

// ParseUserEntry reads one user as the on-call file writes it ({id, name, contact: {email,
// slack, webhook}, notification_rules: [{after, via}]}); strict like Parse. The API reads user
// documents with it, so a user is valid through the API exactly when it is valid in the file.
Result<User> ParseUserEntry(const YamlReader& reader);
// ParseTeamEntry reads one team ({id, name, members}); members are not checked against users.
Result<Team> ParseTeamEntry(const YamlReader& reader);

// LoadDirectoryFile loads a YAML file whose top-level keys are only users/teams/schedules.
Result<Directory> LoadDirectoryFile(const std::string& file);

// ParseTurnLength reads "daily" (24h), "weekly" (168h) or a duration ("12h", "3d"; >= 1m).
Result<std::chrono::seconds> ParseTurnLength(std::string_view text);

}  // namespace vakt::oncall
