#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "escalation/policy.h"

namespace vakt::paging {

// OncallSource holds the loaded on-call file (users, teams, schedules, escalation policies) for
// the server. Reload = parse the new file completely, then swap; readers keep the snapshot they
// took. Thread-safe.
class OncallSource {
 public:
  // Load parses `path` and swaps it in. On error the previous configuration keeps serving and
  // the error (NotFound / InvalidArgument naming file, line and value) is returned.
  Status Load(const std::string& path);
  // Set swaps in an already-parsed configuration (tests, embedding).
  void Set(escalation::OncallConfig config);
  // Get returns the current configuration; an empty one before the first Load.
  std::shared_ptr<const escalation::OncallConfig> Get() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const escalation::OncallConfig> config_ =
      std::make_shared<const escalation::OncallConfig>();  // GUARDED_BY(mu_)
};

}  // namespace vakt::paging
