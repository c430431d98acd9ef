#include "runbook/runbook_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace vakt::runbook {

Result<RunbookSet> RunbookSet::Create(std::vector<Runbook> runbooks) {
  std::sort(runbooks.begin(), runbooks.end(), [](const Runbook& a, const Runbook& b) {
    return std::tie(a.detection.priority, a.source_path, a.metadata.id) <
           std::tie(b.detection.priority, b.source_path, b.metadata.id);
  });
  RunbookSet set;
  std::string problems;
  std::map<std::string_view, const Runbook*> by_id;
  for (Runbook& runbook : runbooks) {
    auto shared = std::make_shared<const Runbook>(std::move(runbook));
    auto [it, inserted] = by_id.emplace(shared->metadata.id, shared.get());
    if (!inserted) {
      problems += fmt::format("{}{}: duplicate runbook id \"{}\" (also in {})",
                              problems.empty() ? "" : "\n", shared->source_path, shared->metadata.id,
                              it->second->source_path);
    }
    if (shared->detection.is_default) {
      if (set.default_ != nullptr) {
        problems += fmt::format("{}{}: second default runbook \"{}\" (default is \"{}\" in {})",
                                problems.empty() ? "" : "\n", shared->source_path,
                                shared->metadata.id, set.default_->metadata.id,
                                set.default_->source_path);
      } else {
        set.default_ = shared;
      }
    }
    set.runbooks_.push_back(std::move(shared));
  }
  if (!problems.empty()) return Status::InvalidArgument(std::move(problems));
  return set;
}

const Runbook* RunbookSet::Find(std::string_view id) const {
  for (const auto& runbook : runbooks_) {
    if (runbook->metadata.id == id) return runbook.get();
  }
  return nullptr;
}

}  // namespace vakt::runbook
