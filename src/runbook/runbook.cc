#include "runbook/runbook.h"

namespace vakt::runbook {

const char* RiskName(Risk risk) {
  switch (risk) {
    case Risk::kLow:
      return "low";
    case Risk::kMedium:
      return "medium";
    case Risk::kHigh:
      return "high";
    case Risk::kCritical:
      return "critical";
  }
  return "?";
}

const char* ActionKindName(const Action& action) {
  static constexpr const char* kNames[] = {"manual",  "http",  "command", "notify",
                                           "capture", "check", "wait",    "diagnose"};
  static_assert(std::variant_size_v<Action> == std::size(kNames));
  return kNames[action.index()];
}

std::vector<const Step*> Runbook::AllSteps() const {
  std::vector<const Step*> steps;
  for (const auto* section : {&stabilise, &investigate.steps, &resolve.verify, &resolve.close_out}) {
    for (const Step& step : *section) steps.push_back(&step);
  }
  return steps;
}

}  // namespace vakt::runbook
