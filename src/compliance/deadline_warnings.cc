#include "compliance/deadline_warnings.h"

#include <algorithm>

#include "common/time_format.h"

namespace vakt::compliance {

Status ValidateWarningPolicy(const WarningPolicy& policy) {
  for (int percent : policy.percent_elapsed) {
    if (percent < 1 || percent > 99) {
      return Status::InvalidArgument("percent_elapsed: " + std::to_string(percent) +
                                     " is not in 1..99");
    }
  }
  for (TimeMs lead : policy.lead_times) {
    if (lead <= 0) return Status::InvalidArgument("lead_times: must be positive durations");
  }
  return Status::Ok();
}

std::vector<DeadlineWarning> DueWarnings(const std::string& incident_key, TimeMs window_start,
                                         const std::vector<Deadline>& deadlines,
                                         const WarningPolicy& policy, TimeMs now) {
  std::vector<DeadlineWarning> out;
  for (const Deadline& deadline : deadlines) {
    if (deadline.status == DeadlineStatus::kSubmitted) continue;
    const TimeMs start = std::min(window_start, deadline.due_at);
    const TimeMs span = deadline.due_at - start;
    DeadlineWarning best;
    bool found = false;
    auto consider = [&](TimeMs at, std::string label) {
      if (at > now || (found && at <= best.threshold_at)) return;
      best.threshold_at = at;
      best.threshold = std::move(label);
      found = true;
    };
    for (int percent : policy.percent_elapsed) {
      consider(start + span * percent / 100, std::to_string(percent) + "%");
    }
    for (TimeMs lead : policy.lead_times) {
      if (deadline.due_at - lead > start) {
        consider(deadline.due_at - lead, "lead " + FormatDuration(lead));
      }
    }
    if (policy.overdue) consider(deadline.due_at, "overdue");
    if (!found) continue;
    best.regime = deadline.regime;
    best.report = deadline.report;
    best.due_at = deadline.due_at;
    best.key = "regwarn:" + incident_key + ":" + RegimeName(deadline.regime) + ":" +
               ReportKindName(deadline.report) + ":" + std::to_string(deadline.due_at) + ":" +
               best.threshold;
    best.subject = incident_key + ": " + ReportKindName(deadline.report) + " (" +
                   RegimeName(deadline.regime) + ") " +
                   (best.threshold == "overdue" ? "is OVERDUE since " : "is due at ") +
                   FormatRfc3339(deadline.due_at) +
                   (best.threshold == "overdue" ? "" : " (" + best.threshold + ")") +
                   (deadline.provisional ? " [provisional]" : "");
    out.push_back(std::move(best));
  }
  return out;
}

}  // namespace vakt::compliance
