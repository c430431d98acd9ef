#pragma once

// Regulatory reporting clocks for an incident (pure; no I/O, the caller passes "now").
//
//  EU AI Act Art. 73 serious incident: report within 15 days of awareness; 10 days if a person
//    died; 2 days for a widespread infringement or a serious and irreversible disruption of
//    critical infrastructure. The shortest applicable period wins.
//  NIS2 Art. 23(4) significant incident: early warning 24 h and incident notification 72 h after
//    awareness; final report one month after the incident notification was submitted.
//  DORA major ICT-related incident (RTS on reporting): initial notification within 4 h of
//    classification as major and no later than 24 h after awareness; intermediate report 72 h
//    after the initial notification was submitted; final report one month after the latest
//    intermediate report was submitted.
//
// Hour periods are elapsed time. Day and month periods are calendar periods in the configured
// time zone (calendar.h): same local wall-clock time on the later local date, end-of-month
// clamping for months. A deadline whose basis report has not been submitted yet is computed from
// that report's own due time and marked provisional.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::compliance {

enum class Regime { kEuAiAct, kNis2, kDora };

enum class ReportKind {
  kAiActReport,
  kNis2EarlyWarning,
  kNis2Notification,
  kNis2FinalReport,
  kDoraInitial,
  kDoraIntermediate,
  kDoraFinal,
};

enum class DeadlineStatus { kPending, kDueSoon, kOverdue, kSubmitted };

const char* RegimeName(Regime regime);          // "eu_ai_act", "nis2", "dora"
const char* ReportKindName(ReportKind report);  // "nis2_early_warning", ...
const char* DeadlineStatusName(DeadlineStatus status);  // "pending", "due_soon", ...
Result<Regime> ParseRegime(std::string_view name);

// Classification records that an incident falls under a regime. The flags only matter for the
// AI Act; across several classifications of one regime the flags are OR-ed (the most stringent
// period applies) and the earliest classified_at is used.
struct Classification {
  Regime regime = Regime::kEuAiAct;
  TimeMs classified_at = 0;
  bool widespread_infringement = false;
  bool critical_infrastructure_disruption = false;
  bool death = false;
  std::string actor;
  std::string rationale;
};

// Submission records a report sent to an authority.
struct Submission {
  Regime regime = Regime::kEuAiAct;
  ReportKind report = ReportKind::kAiActReport;
  TimeMs submitted_at = 0;
  std::string recipient;
  std::string content_sha256;
};

struct ClockInput {
  TimeMs became_aware_at = 0;
  std::vector<Classification> classifications;
  std::vector<Submission> submissions;
};

struct ClockOptions {
  std::string time_zone = "UTC";
  TimeMs due_soon_within = 24LL * 3600 * 1000;  // pending turns due_soon this close to due_at
};

struct Deadline {
  Regime regime = Regime::kEuAiAct;
  ReportKind report = ReportKind::kAiActReport;
  TimeMs due_at = 0;
  DeadlineStatus status = DeadlineStatus::kPending;
  bool provisional = false;             // basis report not submitted yet
  std::optional<TimeMs> submitted_at;   // latest submission of this report
  bool submitted_late = false;
  std::string basis;                    // why this due time, for humans: "15 days after awareness"
};

// ComputeDeadlines returns the deadlines of every classified regime, in regime order and then
// report order. InvalidArgument for an unknown time zone or a classification before awareness
// is not an error (a late awareness record is the caller's to audit).
Result<std::vector<Deadline>> ComputeDeadlines(const ClockInput& input, TimeMs now,
                                               const ClockOptions& options = {});

}  // namespace vakt::compliance
