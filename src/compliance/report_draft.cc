#include "compliance/report_draft.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/time_format.h"

namespace vakt::compliance {
namespace {

// EscapeMarkdown backslash-escapes characters that start Markdown structure and folds newlines,
// so a field stays one paragraph or one list item.
std::string EscapeMarkdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_{}[]<>()#+-.!|~").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string OrDefault(const std::string& text, const char* fallback) {
  return text.empty() ? fallback : EscapeMarkdown(text);
}

const char* ReportTitle(ReportKind report) {
  switch (report) {
    case ReportKind::kAiActReport: return "EU AI Act Art. 73 serious incident report";
    case ReportKind::kNis2EarlyWarning: return "NIS2 early warning";
    case ReportKind::kNis2Notification: return "NIS2 incident notification";
    case ReportKind::kNis2FinalReport: return "NIS2 final report";
    case ReportKind::kDoraInitial: return "DORA initial notification";
    case ReportKind::kDoraIntermediate: return "DORA intermediate report";
    case ReportKind::kDoraFinal: return "DORA final report";
  }
  return "Regulatory report";
}

}  // namespace

Result<ReportDraft> RenderReportDraft(const IncidentFacts& facts, const Deadline& deadline) {
  if (facts.incident_id.empty()) return Status::InvalidArgument("report draft needs an incident id");
  std::string md;
  md += "# " + std::string(ReportTitle(deadline.report)) + ": " + EscapeMarkdown(facts.incident_id) +
        "\n\n";
  md += "*Draft. Review every field before submission.*\n\n";
  md += "| Field | Value |\n| --- | --- |\n";
  md += "| Incident | " + EscapeMarkdown(facts.incident_id) + " |\n";
  md += "| Title | " + OrDefault(facts.title, "(untitled)") + " |\n";
  md += "| Severity | " + OrDefault(facts.severity, "(not set)") + " |\n";
  md += "| Became aware | " + FormatRfc3339(facts.became_aware_at) + " |\n";
  md += "| Due | " + FormatRfc3339(deadline.due_at) + (deadline.provisional ? " (provisional)" : "") +
        " |\n";
  md += "| Basis | " + EscapeMarkdown(deadline.basis) + " |\n";
  md += "| Contact | " + OrDefault(facts.contact, "(not set)") + " |\n\n";
  md += "## Summary\n\n" + OrDefault(facts.summary, "(none yet)") + "\n\n";
  md += "## Impact\n\n" + OrDefault(facts.impact, "(being assessed)") + "\n\n";
  md += "## Affected systems\n\n";
  if (facts.affected_systems.empty()) md += "(none recorded)\n";
  for (const auto& system : facts.affected_systems) md += "- " + EscapeMarkdown(system) + "\n";
  md += "\n## Timeline (UTC)\n\n";
  if (facts.timeline.empty()) md += "(none recorded)\n";
  for (const auto& entry : facts.timeline) {
    md += "- " + FormatRfc3339(entry.at) + ": " + EscapeMarkdown(entry.what) + "\n";
  }
  md += "\n## Root cause so far\n\n" + OrDefault(facts.root_cause, "Under investigation.") + "\n\n";
  md += "## Actions taken\n\n";
  if (facts.actions.empty()) md += "(none recorded)\n";
  for (const auto& action : facts.actions) md += "- " + EscapeMarkdown(action) + "\n";

  nlohmann::json timeline = nlohmann::json::array();
  for (const auto& entry : facts.timeline) {
    timeline.push_back({{"at", FormatRfc3339(entry.at)}, {"what", entry.what}});
  }
  nlohmann::json doc = {
      {"report", ReportKindName(deadline.report)},
      {"regime", RegimeName(deadline.regime)},
      {"draft", true},
      {"incident_id", facts.incident_id},
      {"title", facts.title},
      {"severity", facts.severity},
      {"summary", facts.summary},
      {"became_aware_at", FormatRfc3339(facts.became_aware_at)},
      {"due_at", FormatRfc3339(deadline.due_at)},
      {"due_provisional", deadline.provisional},
      {"basis", deadline.basis},
      {"affected_systems", facts.affected_systems},
      {"impact", facts.impact},
      {"root_cause", facts.root_cause},
      {"timeline", timeline},
      {"actions", facts.actions},
      {"contact", facts.contact},
  };
  try {
    return ReportDraft{md, doc.dump(2, ' ', false, nlohmann::json::error_handler_t::strict)};
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidArgument(std::string("incident facts are not valid UTF-8: ") + error.what());
  }
}

}  // namespace vakt::compliance
