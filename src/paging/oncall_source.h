#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "escalation/policy.h"

namespace vakt::paging {

// ApiOverride is an override made through the API (stored in the database).
struct ApiOverride {
  std::string schedule_id;
  oncall::Override entry;
};

// OncallSource holds the on-call configuration the server uses: the on-call file (users, teams,
// schedules, escalation policies) with the API-defined users and teams laid over it by id and
// the API-made overrides merged into its schedules.
// Reload = parse the new file completely, then swap; readers keep the snapshot they took.
// Thread-safe.
class OncallSource {
 public:
  // Load parses `path` and swaps it in. On error the previous configuration keeps serving and
  // the error (NotFound / InvalidArgument naming file, line and value) is returned.
  Status Load(const std::string& path);
  // Set swaps in an already-parsed file configuration.
  void Set(escalation::OncallConfig config);
  // SetOverrides replaces the API-made overrides; those naming an unknown schedule or user are
  // left out (the file may have changed since).
  void SetOverrides(std::vector<ApiOverride> overrides);
  // SetPeople replaces the API-defined users and teams; a team with a member that is not a user
  // is left out (logged).
  void SetPeople(std::vector<oncall::User> users, std::vector<oncall::Team> teams);
  // Get returns the current configuration; an empty one before the first Load.
  std::shared_ptr<const escalation::OncallConfig> Get() const;
  // File returns the on-call file alone, without API users, teams or overrides.
  std::shared_ptr<const escalation::OncallConfig> File() const;

 private:
  void RebuildLocked();

  mutable std::mutex mu_;
  std::shared_ptr<const escalation::OncallConfig> file_ =
      std::make_shared<const escalation::OncallConfig>();  // GUARDED_BY(mu_)
  std::vector<ApiOverride> overrides_;                      // GUARDED_BY(mu_)
  std::vector<oncall::User> api_users_;                     // GUARDED_BY(mu_)
  std::vector<oncall::Team> api_teams_;                     // GUARDED_BY(mu_)
  std::shared_ptr<const escalation::OncallConfig> effective_ = file_;  // GUARDED_BY(mu_)
};

}  // namespace vakt::paging
