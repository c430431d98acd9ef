#pragma once

// Warnings about regulatory deadlines as they approach (pure; the caller passes "now" and
// enqueues what this returns into the notification outbox, whose unique idempotency key makes
// each warning durable and sent at most once).
//
// A deadline's window runs from its start (awareness, or the basis report's submission) to
// due_at. A warning threshold is passed at start + f * (due_at - start) for each configured
// fraction f, at due_at - lead for each configured lead time (when that lies after the start),
// and at due_at itself ("overdue"). Only the most advanced threshold passed is returned per
// deadline, so a server that was down does not send a burst of stale warnings; submitted
// deadlines are never warned about. The key names the incident, regime, report, due time and
// threshold, so moving awareness (a new due time) warns afresh.

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "compliance/regulatory_clock.h"

namespace vakt::compliance {

struct WarningPolicy {
  std::vector<int> percent_elapsed = {50, 75, 90};  // each in 1..99
  std::vector<TimeMs> lead_times;                   // e.g. 1 h before due; each > 0
  bool overdue = true;
};

// ValidateWarningPolicy: InvalidArgument naming the field for a percentage outside 1..99 or a
// lead time <= 0.
Status ValidateWarningPolicy(const WarningPolicy& policy);

struct DeadlineWarning {
  Regime regime = Regime::kEuAiAct;
  ReportKind report = ReportKind::kAiActReport;
  TimeMs due_at = 0;
  TimeMs threshold_at = 0;  // when this warning became due
  std::string threshold;    // "75%", "lead 1h", "overdue"
  std::string key;          // "regwarn:INC-7:nis2:nis2_early_warning:<due ms>:75%"
  std::string subject;      // one line for people
};

// DueWarnings returns, per unsubmitted deadline, the most advanced threshold passed at `now`
// (none if none passed). `window_start` is when the deadlines' clocks started (awareness).
std::vector<DeadlineWarning> DueWarnings(const std::string& incident_key, TimeMs window_start,
                                         const std::vector<Deadline>& deadlines,
                                         const WarningPolicy& policy, TimeMs now);

}  // namespace vakt::compliance
