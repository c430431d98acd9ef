#include "compliance/regulatory_clock.h"

#include <algorithm>

#include "compliance/calendar.h"

namespace vakt::compliance {
namespace {

constexpr TimeMs kHour = 3600LL * 1000;

struct RegimeFacts {
  bool classified = false;
  TimeMs classified_at = 0;
  bool widespread_infringement = false;
  bool critical_infrastructure_disruption = false;
  bool death = false;
};

std::optional<TimeMs> LatestSubmission(const ClockInput& input, Regime regime, ReportKind report) {
  std::optional<TimeMs> latest;
  for (const auto& submission : input.submissions) {
    if (submission.regime == regime && submission.report == report) {
      latest = std::max(latest.value_or(submission.submitted_at), submission.submitted_at);
    }
  }
  return latest;
}

std::optional<TimeMs> EarliestSubmission(const ClockInput& input, Regime regime,
                                         ReportKind report) {
  std::optional<TimeMs> earliest;
  for (const auto& submission : input.submissions) {
    if (submission.regime == regime && submission.report == report) {
      earliest = std::min(earliest.value_or(submission.submitted_at), submission.submitted_at);
    }
  }
  return earliest;
}

class Builder {
 public:
  Builder(const ClockInput& input, TimeMs now, const ClockOptions& options)
      : input_(input), now_(now), options_(options) {}

  // Add appends a deadline; `first_submission` decides lateness, `latest` is shown.
  const Deadline& Add(Regime regime, ReportKind report, TimeMs due_at, bool provisional,
                      std::string basis) {
    Deadline deadline;
    deadline.regime = regime;
    deadline.report = report;
    deadline.due_at = due_at;
    deadline.provisional = provisional;
    deadline.basis = std::move(basis);
    deadline.submitted_at = LatestSubmission(input_, regime, report);
    const auto first = EarliestSubmission(input_, regime, report);
    if (first.has_value()) {
      deadline.status = DeadlineStatus::kSubmitted;
      deadline.submitted_late = *first > due_at;
    } else if (now_ > due_at) {
      deadline.status = DeadlineStatus::kOverdue;
    } else if (due_at - now_ <= options_.due_soon_within) {
      deadline.status = DeadlineStatus::kDueSoon;
    }
    out_.push_back(deadline);
    return out_.back();
  }

  std::vector<Deadline> Take() { return std::move(out_); }

 private:
  const ClockInput& input_;
  TimeMs now_;
  const ClockOptions& options_;
  std::vector<Deadline> out_;
};

}  // namespace

const char* RegimeName(Regime regime) {
  switch (regime) {
    case Regime::kEuAiAct: return "eu_ai_act";
    case Regime::kNis2: return "nis2";
    case Regime::kDora: return "dora";
  }
  return "unknown";
}

const char* ReportKindName(ReportKind report) {
  switch (report) {
    case ReportKind::kAiActReport: return "ai_act_serious_incident_report";
    case ReportKind::kNis2EarlyWarning: return "nis2_early_warning";
    case ReportKind::kNis2Notification: return "nis2_incident_notification";
    case ReportKind::kNis2FinalReport: return "nis2_final_report";
    case ReportKind::kDoraInitial: return "dora_initial_notification";
    case ReportKind::kDoraIntermediate: return "dora_intermediate_report";
    case ReportKind::kDoraFinal: return "dora_final_report";
  }
  return "unknown";
}

const char* DeadlineStatusName(DeadlineStatus status) {
  switch (status) {
    case DeadlineStatus::kPending: return "pending";
    case DeadlineStatus::kDueSoon: return "due_soon";
    case DeadlineStatus::kOverdue: return "overdue";
    case DeadlineStatus::kSubmitted: return "submitted";
  }
  return "unknown";
}

Result<Regime> ParseRegime(std::string_view name) {
  for (Regime regime : {Regime::kEuAiAct, Regime::kNis2, Regime::kDora}) {
    if (name == RegimeName(regime)) return regime;
  }
  return Status::InvalidArgument("unknown regulatory regime \"" + std::string(name) + "\"");
}

Result<std::vector<Deadline>> ComputeDeadlines(const ClockInput& input, TimeMs now,
                                               const ClockOptions& options) {
  RegimeFacts facts[3];
  for (const auto& c : input.classifications) {
    RegimeFacts& f = facts[static_cast<int>(c.regime)];
    f.classified_at = f.classified ? std::min(f.classified_at, c.classified_at) : c.classified_at;
    f.classified = true;
    f.widespread_infringement |= c.widespread_infringement;
    f.critical_infrastructure_disruption |= c.critical_infrastructure_disruption;
    f.death |= c.death;
  }
  const TimeMs aware = input.became_aware_at;
  Builder builder(input, now, options);

  if (const RegimeFacts& ai = facts[static_cast<int>(Regime::kEuAiAct)]; ai.classified) {
    int days = 15;
    std::string basis = "15 days after awareness (Art. 73(2))";
    if (ai.death) {
      days = 10;
      basis = "10 days after awareness: death of a person (Art. 73(4))";
    }
    if (ai.widespread_infringement || ai.critical_infrastructure_disruption) {
      days = 2;
      basis = "2 days after awareness: widespread infringement or critical infrastructure "
              "disruption (Art. 73(3))";
    }
    VAKT_ASSIGN_OR_RETURN(TimeMs due, AddCalendarDays(aware, days, options.time_zone));
    builder.Add(Regime::kEuAiAct, ReportKind::kAiActReport, due, false, basis);
  }

  if (facts[static_cast<int>(Regime::kNis2)].classified) {
    builder.Add(Regime::kNis2, ReportKind::kNis2EarlyWarning, aware + 24 * kHour, false,
                "24 h after awareness (Art. 23(4)(a))");
    const Deadline& notification =
        builder.Add(Regime::kNis2, ReportKind::kNis2Notification, aware + 72 * kHour, false,
                    "72 h after awareness (Art. 23(4)(b))");
    const std::optional<TimeMs> notified =
        EarliestSubmission(input, Regime::kNis2, ReportKind::kNis2Notification);
    const TimeMs notification_due = notification.due_at;
    VAKT_ASSIGN_OR_RETURN(TimeMs due, AddCalendarMonths(notified.value_or(notification_due), 1,
                                                        options.time_zone));
    builder.Add(Regime::kNis2, ReportKind::kNis2FinalReport, due, !notified.has_value(),
                "one month after the incident notification (Art. 23(4)(d))");
  }

  if (const RegimeFacts& dora = facts[static_cast<int>(Regime::kDora)]; dora.classified) {
    const TimeMs initial_due = std::min(dora.classified_at + 4 * kHour, aware + 24 * kHour);
    builder.Add(Regime::kDora, ReportKind::kDoraInitial, initial_due, false,
                "4 h after classification as major, at most 24 h after awareness");
    const std::optional<TimeMs> initial =
        EarliestSubmission(input, Regime::kDora, ReportKind::kDoraInitial);
    const TimeMs intermediate_due = initial.value_or(initial_due) + 72 * kHour;
    builder.Add(Regime::kDora, ReportKind::kDoraIntermediate, intermediate_due,
                !initial.has_value(), "72 h after the initial notification");
    const std::optional<TimeMs> intermediate =
        LatestSubmission(input, Regime::kDora, ReportKind::kDoraIntermediate);
    VAKT_ASSIGN_OR_RETURN(TimeMs final_due, AddCalendarMonths(intermediate.value_or(intermediate_due),
                                                              1, options.time_zone));
    builder.Add(Regime::kDora, ReportKind::kDoraFinal, final_due, !intermediate.has_value(),
                "one month after the latest intermediate report");
  }
  return builder.Take();
}

}  // namespace vakt::compliance
