#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "api/regulatory_routes.h"
#include "common/periodic_task.h"
#include "compliance/deadline_warnings.h"

namespace vakt::api {

struct RegulatoryWarningOptions {
  compliance::WarningPolicy policy;
  std::vector<std::string> to;  // "email:ADDRESS", "slack:URL", "webhook:URL"; empty: off
  std::chrono::milliseconds interval{60'000};
};

// SweepRegulatoryWarnings computes the clocks of every open incident at `now` and enqueues the
// warnings due (storage/regulatory_warning_outbox.h: durable, each at most once). Returns how
// many outbox messages were new. An incident whose clocks cannot be computed is skipped (and
// counted in `failed`), so one bad record does not silence the others.
Result<size_t> SweepRegulatoryWarnings(const RegulatoryRoutesContext& context,
                                       const RegulatoryWarningOptions& options, TimeMs now,
                                       size_t* failed = nullptr);

// RegulatoryWarner runs the sweep every options.interval on the context's clock until Stop.
class RegulatoryWarner {
 public:
  RegulatoryWarner(RegulatoryRoutesContext context, RegulatoryWarningOptions options);
  ~RegulatoryWarner();
  void Start();
  void Stop();

 private:
  void Sweep();
  const RegulatoryRoutesContext context_;
  const RegulatoryWarningOptions options_;
  PeriodicTask task_;
};

}  // namespace vakt::api
