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

 private:
  std::map<std::string, User, std::less<>> users_;
  std::map<std::string, Team, std::less<>> teams_;
  std::map<std::string, Schedule, std::less<>> schedules_;
};

// LoadDirectoryFile loads a YAML file whose top-level keys are only users/teams/schedules.
Result<Directory> LoadDirectoryFile(const std::string& file);

// ParseTurnLength reads "daily" (24h), "weekly" (168h) or a duration ("12h", "3d"; >= 1m).
Result<std::chrono::seconds> ParseTurnLength(std::string_view text);

}  // namespace vakt::oncall
