#pragma once

#include <chrono>
#include <string>

#include "api/evidence_routes.h"
#include "common/periodic_task.h"

namespace vakt::api {

struct EvidenceSweepOptions {
  std::chrono::milliseconds interval{6 * 3600 * 1000};  // 0 = off
  std::string actor = "system:retention";
};

// EvidenceRetentionSweeper runs storage::SweepEvidenceRetention with the context's classes once
// at Start and then every options.interval until Stop. Instances sharing a PostgreSQL database
// may each sweep: the sweep re-checks legal holds under the audit append lock before any delete,
// so a concurrent sweep can never purge held evidence (the worst case is a duplicate
// evidence.purge record for a blob both instances chose in the same moment).
// Start/Stop from one thread; the sweep runs on its own thread.
class EvidenceRetentionSweeper {
 public:
  EvidenceRetentionSweeper(EvidenceRoutesContext context, EvidenceSweepOptions options);
  ~EvidenceRetentionSweeper();
  void Start();
  void Stop();

 private:
  void Sweep();
  const EvidenceRoutesContext context_;
  const EvidenceSweepOptions options_;
  PeriodicTask task_;
};

}  // namespace vakt::api
