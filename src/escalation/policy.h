#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "oncall/directory.h"
#include "oncall/yaml_reader.h"

namespace vakt::escalation {

// Target is who a level pages: a user, everyone on call in a schedule at fire time, or every
// member of a team. Written "user:ada", "schedule:ml-fraud", "team:ml-platform" in YAML.
struct Target {
  enum class Kind { kUser, kSchedule, kTeam };
  Kind kind = Kind::kUser;
  std::string id;
  std::string ToString() const;  // "schedule:ml-fraud"
};

// Level is one rung of an escalation policy. When it fires it pages its targets, then waits
// `delay` for an acknowledgement before the next level fires (PagerDuty's
// escalation_delay_in_minutes). With `round_robin`, each firing pages only one target, rotating
// per incident and per loop (see EscalationState::round_robin_offset).
struct Level {
  std::vector<Target> targets;
  TimeMs delay = 0;
  bool round_robin = false;
};

// EscalationPolicy: ordered levels, run once and then `repeat` more times (PagerDuty num_loops)
// unless acknowledged or resolved. Immutable after loading; safe to share between threads.
struct EscalationPolicy {
  std::string id;
  std::string name;
  std::vector<Level> levels;
  int repeat = 0;
};

// ParseTarget reads "kind:id".
Result<Target> ParseTarget(std::string_view text);

// ParsePolicies reads the `escalation_policies` list under `reader` strictly and checks every
// target against `directory` (unknown users/schedules/teams are errors naming path and value).
Result<std::map<std::string, EscalationPolicy, std::less<>>> ParsePolicies(
    const oncall::YamlReader& reader, const oncall::Directory& directory);

// OncallConfig is the whole on-call file: users, teams, schedules and escalation policies.
struct OncallConfig {
  oncall::Directory directory;
  std::map<std::string, EscalationPolicy, std::less<>> policies;
  const EscalationPolicy* FindPolicy(std::string_view id) const;
};

// LoadOncallConfig loads a file with top-level keys users, teams, schedules and
// escalation_policies (nothing else). NotFound if unreadable; InvalidArgument naming file, line,
// path and value otherwise.
Result<OncallConfig> LoadOncallConfig(const std::string& file);
Result<OncallConfig> ParseOncallConfig(std::string_view text, const std::string& file_name);

}  // namespace vakt::escalation
