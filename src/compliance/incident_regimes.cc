#include "compliance/incident_regimes.h"

#include <algorithm>
#include <set>

#include "common/crypto.h"
#include "common/time_format.h"

namespace vakt::compliance {
namespace {

constexpr ReportKind kReportKinds[] = {ReportKind::kAiActReport,      ReportKind::kNis2EarlyWarning,
                                       ReportKind::kNis2Notification, ReportKind::kNis2FinalReport,
                                       ReportKind::kDoraInitial,      ReportKind::kDoraIntermediate,
                                       ReportKind::kDoraFinal};

// UtcDate renders the YYYY-MM-DD UTC date of `at`, comparable with effective_from as text.
std::string UtcDate(TimeMs at) { return FormatRfc3339(at).substr(0, 10); }

Result<bool> OptionalBool(const nlohmann::json& details, const char* key) {
  auto found = details.find(key);
  if (found == details.end() || found->is_null()) return false;
  if (!found->is_boolean())
    return Status::InvalidArgument(std::string(key) + ": must be a boolean");
  return found->get<bool>();
}

constexpr size_t kMaxTextBytes = 4096;

Result<std::string> RequiredString(const nlohmann::json& details, const char* key) {
  auto found = details.find(key);
  if (found == details.end() || !found->is_string() || found->get<std::string>().empty()) {
    return Status::InvalidArgument(std::string(key) + ": required string");
  }
  if (found->get_ref<const std::string&>().size() > kMaxTextBytes) {
    return Status::InvalidArgument(std::string(key) + ": at most " + std::to_string(kMaxTextBytes) +
                                   " bytes");
  }
  return found->get<std::string>();
}

}  // namespace

Result<ReportKind> ParseReportKind(std::string_view name) {
  for (ReportKind kind : kReportKinds) {
    if (name == ReportKindName(kind)) return kind;
  }
  return Status::InvalidArgument("report: unknown report kind \"" + std::string(name) + "\"");
}

Result<IncidentClocks> ComputeIncidentClocks(const IncidentRegulatoryInput& input, TimeMs now,
                                             const ClockOptions& options) {
  const std::string aware_date = UtcDate(input.became_aware_at);
  std::set<Regime> in_effect;
  for (const auto& entry : input.pipeline_regimes) {
    if (entry.effective_from <= aware_date) in_effect.insert(entry.regime);
  }
  // The latest record per regime decides whether it applies; every positive record counts as a
  // classification (ComputeDeadlines ORs the flags and takes the earliest time).
  std::set<Regime> recorded;
  std::set<Regime> ruled_out;
  ClockInput clock_input;
  clock_input.became_aware_at = input.became_aware_at;
  clock_input.submissions = input.submissions;
  for (const auto& record : input.classifications) {
    const Regime regime = record.classification.regime;
    if (record.applies) {
      recorded.insert(regime);
      ruled_out.erase(regime);
    } else {
      ruled_out.insert(regime);
    }
  }
  for (const auto& record : input.classifications) {
    const Regime regime = record.classification.regime;
    if (record.applies && !ruled_out.contains(regime)) {
      clock_input.classifications.push_back(record.classification);
    }
  }
  IncidentClocks clocks;
  for (Regime regime : in_effect) {
    if (recorded.contains(regime) || ruled_out.contains(regime)) continue;
    Classification assumed;
    assumed.regime = regime;
    assumed.classified_at = input.became_aware_at;
    assumed.actor = "system:catalogue";
    assumed.rationale = "pipeline is under this regime; assumed until classified";
    clock_input.classifications.push_back(std::move(assumed));
    clocks.assumed.push_back(regime);
  }
  VAKT_ASSIGN_OR_RETURN(clocks.deadlines, ComputeDeadlines(clock_input, now, options));
  return clocks;
}

nlohmann::json ClassificationDetails(const RecordedClassification& recorded) {
  const Classification& c = recorded.classification;
  return {{"regime", RegimeName(c.regime)},
          {"applies", recorded.applies},
          {"widespread_infringement", c.widespread_infringement},
          {"critical_infrastructure_disruption", c.critical_infrastructure_disruption},
          {"death", c.death},
          {"rationale", c.rationale}};
}

Result<RecordedClassification> DecodeClassification(const nlohmann::json& details, TimeMs time,
                                                    const std::string& actor) {
  if (!details.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  RecordedClassification recorded;
  VAKT_ASSIGN_OR_RETURN(std::string regime, RequiredString(details, "regime"));
  auto parsed = ParseRegime(regime);
  if (!parsed.ok()) return Status::InvalidArgument("regime: must be eu_ai_act, nis2 or dora");
  Classification& c = recorded.classification;
  c.regime = *parsed;
  c.classified_at = time;
  c.actor = actor;
  auto applies = details.find("applies");
  if (applies != details.end() && !applies->is_null()) {
    if (!applies->is_boolean()) return Status::InvalidArgument("applies: must be a boolean");
    recorded.applies = applies->get<bool>();
  }
  VAKT_ASSIGN_OR_RETURN(c.widespread_infringement,
                        OptionalBool(details, "widespread_infringement"));
  VAKT_ASSIGN_OR_RETURN(c.critical_infrastructure_disruption,
                        OptionalBool(details, "critical_infrastructure_disruption"));
  VAKT_ASSIGN_OR_RETURN(c.death, OptionalBool(details, "death"));
  VAKT_ASSIGN_OR_RETURN(c.rationale, RequiredString(details, "rationale"));
  return recorded;
}

nlohmann::json SubmissionDetails(const Submission& submission) {
  return {{"regime", RegimeName(submission.regime)},
          {"report", ReportKindName(submission.report)},
          {"recipient", submission.recipient},
          {"content_sha256", submission.content_sha256}};
}

Result<Submission> DecodeSubmission(const nlohmann::json& details, TimeMs time) {
  if (!details.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  Submission submission;
  VAKT_ASSIGN_OR_RETURN(std::string regime, RequiredString(details, "regime"));
  auto parsed = ParseRegime(regime);
  if (!parsed.ok()) return Status::InvalidArgument("regime: must be eu_ai_act, nis2 or dora");
  submission.regime = *parsed;
  VAKT_ASSIGN_OR_RETURN(std::string report, RequiredString(details, "report"));
  VAKT_ASSIGN_OR_RETURN(submission.report, ParseReportKind(report));
  const std::string prefix = submission.regime == Regime::kEuAiAct ? "ai_act"
                             : submission.regime == Regime::kNis2  ? "nis2"
                                                                   : "dora";
  if (!report.starts_with(prefix)) {
    return Status::InvalidArgument("report: " + report + " is not a " + regime + " report");
  }
  VAKT_ASSIGN_OR_RETURN(submission.recipient, RequiredString(details, "recipient"));
  VAKT_ASSIGN_OR_RETURN(submission.content_sha256, RequiredString(details, "content_sha256"));
  if (!IsSha256Hex(submission.content_sha256)) {
    return Status::InvalidArgument("content_sha256: must be 64 lowercase hex digits");
  }
  submission.submitted_at = time;
  return submission;
}

}  // namespace vakt::compliance
