#include "paging/oncall_source.h"

#include <spdlog/spdlog.h>

namespace vakt::paging {

Status OncallSource::Load(const std::string& path) {
  VAKT_ASSIGN_OR_RETURN(auto loaded, escalation::LoadOncallConfig(path));
  Set(std::move(loaded));
  return Status::Ok();
}

void OncallSource::Set(escalation::OncallConfig config) {
  auto next = std::make_shared<const escalation::OncallConfig>(std::move(config));
  std::lock_guard lock(mu_);
  file_ = std::move(next);
  RebuildLocked();
}

void OncallSource::SetOverrides(std::vector<ApiOverride> overrides) {
  std::lock_guard lock(mu_);
  overrides_ = std::move(overrides);
  RebuildLocked();
}

void OncallSource::SetPeople(std::vector<oncall::User> users, std::vector<oncall::Team> teams) {
  std::lock_guard lock(mu_);
  api_users_ = std::move(users);
  api_teams_ = std::move(teams);
  RebuildLocked();
}

void OncallSource::RebuildLocked() {
  if (overrides_.empty() && api_users_.empty() && api_teams_.empty()) {
    effective_ = file_;
    return;
  }
  auto merged = std::make_shared<escalation::OncallConfig>(*file_);
  for (const oncall::User& user : api_users_) merged->directory.PutUser(user);
  for (const oncall::Team& team : api_teams_) {
    Status put = merged->directory.PutTeam(team);
    if (!put.ok()) spdlog::warn("API-defined team left out: {}", put.ToString());
  }
  for (const ApiOverride& entry : overrides_) {
    // An override for a schedule or user the file no longer has is skipped, not fatal.
    (void)merged->directory.AddOverride(entry.schedule_id, entry.entry);
  }
  effective_ = std::move(merged);
}

std::shared_ptr<const escalation::OncallConfig> OncallSource::File() const {
  std::lock_guard lock(mu_);
  return file_;
}

std::shared_ptr<const escalation::OncallConfig> OncallSource::Get() const {
  std::lock_guard lock(mu_);
  return effective_;
}

}  // namespace vakt::paging
