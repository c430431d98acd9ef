#pragma once

#include <map>
#include <mutex>

#include "action/step_state.h"

namespace vakt::action {

// InMemoryStepStore is a StepStore in a map, for tests and single-process tools. Safe for
// concurrent use: one mutex guards the map, so CompareAndSet is atomic.
class InMemoryStepStore final : public StepStore {
 public:
  Result<StepRecord> Create(StepRecord record) override;
  Result<StepRecord> Get(const StepKey& key) const override;
  Result<StepRecord> CompareAndSet(const StepRecord& next,
                                   std::uint64_t expected_version) override;
  Result<std::vector<StepRecord>> List(const std::string& incident_id) const override;

 private:
  mutable std::mutex mu_;
  std::map<StepKey, StepRecord> records_;  // guarded by mu_
};

}  // namespace vakt::action
