#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "runbook/runbook.h"

namespace vakt::runbook {

// RunbookSet is an immutable, validated collection of runbooks in match order: ascending
// detection.priority, then source path, then id. At most one runbook is the default (triage)
// runbook. Safe to share read-only between threads; reload builds a new set and swaps a
// shared_ptr<const RunbookSet>.
class RunbookSet {
 public:
  RunbookSet() = default;

  // Create orders `runbooks` and validates the set: InvalidArgument naming both files for a
  // duplicate id or a second default runbook.
  static Result<RunbookSet> Create(std::vector<Runbook> runbooks);

  // runbooks in match order.
  const std::vector<std::shared_ptr<const Runbook>>& runbooks() const { return runbooks_; }
  size_t size() const { return runbooks_.size(); }
  // Find returns the runbook with `id`, or nullptr.
  const Runbook* Find(std::string_view id) const;
  // default_runbook is the triage runbook alerts fall back to, or nullptr when the set has none.
  const Runbook* default_runbook() const { return default_.get(); }

 private:
  std::vector<std::shared_ptr<const Runbook>> runbooks_;
  std::shared_ptr<const Runbook> default_;
};

}  // namespace vakt::runbook
