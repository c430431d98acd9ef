#include "action/in_memory_step_store.h"

namespace vakt::action {

Result<StepRecord> InMemoryStepStore::Create(StepRecord record) {
  std::lock_guard<std::mutex> lock(mu_);
  if (records_.count(record.key) != 0) {
    return Status::AlreadyExists("step " + record.key.step_id + " already exists");
  }
  record.version = 1;
  records_.emplace(record.key, record);
  return record;
}

Result<StepRecord> InMemoryStepStore::Get(const StepKey& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = records_.find(key);
  if (found == records_.end()) return Status::NotFound("step " + key.step_id + " not found");
  return found->second;
}

Result<StepRecord> InMemoryStepStore::CompareAndSet(const StepRecord& next,
                                                    std::uint64_t expected_version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = records_.find(next.key);
  if (found == records_.end()) {
    return Status::NotFound("step " + next.key.step_id + " not found");
  }
  if (found->second.version != expected_version) {
    return Status::FailedPrecondition("step " + next.key.step_id + " changed concurrently");
  }
  found->second = next;
  found->second.version = expected_version + 1;
  return found->second;
}

Result<std::vector<StepRecord>> InMemoryStepStore::List(const std::string& incident_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StepRecord> out;
  for (const auto& [key, record] : records_) {
    if (incident_id.empty() || key.incident_id == incident_id) out.push_back(record);
  }
  return out;
}

}  // namespace vakt::action
