#pragma once

// Which regulatory regimes apply to one incident, and its deadline clocks (pure; no I/O).
//
// A regime applies when the incident's pipeline has it in effect (catalogue `regulatory`, with
// effective_from on or before the UTC date of awareness) or when someone classified the incident
// under it. Until a person records a classification, an applicable regime is ASSUMED classified
// at awareness: the earliest, most conservative deadlines are shown rather than none. A recorded
// "does not apply" removes an assumed regime. Classifications and submissions are recorded as
// audit records of the incident (actions below), so every one of them is in the tamper-evident
// log with actor and time.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "compliance/regulatory_clock.h"

namespace vakt::compliance {

inline constexpr char kClassifiedAction[] = "regulatory.classified";
inline constexpr char kSubmittedAction[] = "regulatory.submitted";

// RegimeInEffect is one catalogue entry: a regime and the first date (YYYY-MM-DD) it applies.
struct RegimeInEffect {
  Regime regime = Regime::kEuAiAct;
  std::string effective_from;
};

// RecordedClassification is one "regulatory.classified" record; applies=false rules the
// regime out.
struct RecordedClassification {
  Classification classification;
  bool applies = true;
};

struct IncidentRegulatoryInput {
  TimeMs became_aware_at = 0;
  std::vector<RegimeInEffect> pipeline_regimes;
  std::vector<RecordedClassification> classifications;  // in record order
  std::vector<Submission> submissions;
};

struct IncidentClocks {
  std::vector<Deadline> deadlines;
  std::vector<Regime> assumed;  // regimes whose classification is assumed, not recorded
};

// ComputeIncidentClocks applies the rules above and computes the deadlines (regulatory_clock.h).
// InvalidArgument for an unknown time zone.
Result<IncidentClocks> ComputeIncidentClocks(const IncidentRegulatoryInput& input, TimeMs now,
                                             const ClockOptions& options = {});

// ParseReportKind reads ReportKindName's output.
Result<ReportKind> ParseReportKind(std::string_view name);

// ClassificationDetails / SubmissionDetails render the audit record details (no floats; times as
// integers of Unix ms); the Decode functions read them back, InvalidArgument naming the field.
nlohmann::json ClassificationDetails(const RecordedClassification& recorded);
Result<RecordedClassification> DecodeClassification(const nlohmann::json& details, TimeMs time,
                                                    const std::string& actor);
nlohmann::json SubmissionDetails(const Submission& submission);
Result<Submission> DecodeSubmission(const nlohmann::json& details, TimeMs time);

}  // namespace vakt::compliance
