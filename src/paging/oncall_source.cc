#include "paging/oncall_source.h"

namespace vakt::paging {

Status OncallSource::Load(const std::string& path) {
  VAKT_ASSIGN_OR_RETURN(auto loaded, escalation::LoadOncallConfig(path));
  Set(std::move(loaded));
  return Status::Ok();
}

void OncallSource::Set(escalation::OncallConfig config) {
  auto next = std::make_shared<const escalation::OncallConfig>(std::move(config));
  std::lock_guard lock(mu_);
  config_ = std::move(next);
}

std::shared_ptr<const escalation::OncallConfig> OncallSource::Get() const {
  std::lock_guard lock(mu_);
  return config_;
}

}  // namespace vakt::paging
