#include "retro/timeline.h"

#include <algorithm>

namespace vakt::retro {
namespace {

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::string DetailOf(const std::string& phase, const std::string& subject,
                     const nlohmann::json& details) {
  std::string detail;
  if (phase == "step" || StartsWith(subject, "step/")) {
    detail = subject.substr(subject.find_last_of('/') + 1);
    if (details.contains("from") && details.contains("to") && details["to"].is_string() &&
        details["from"].is_string()) {
      detail += ": " + details["from"].get<std::string>() + " → " + details["to"].get<std::string>();
    }
    if (details.contains("kind") && details["kind"].is_string()) {
      detail += ": " + details["kind"].get<std::string>();
    }
  }
  for (const char* key : {"reason", "text", "verdict", "channel"}) {
    auto found = details.find(key);
    if (found != details.end() && found->is_string() && !found->get<std::string>().empty()) {
      if (!detail.empty()) detail += " — ";
      detail += found->get<std::string>();
    }
  }
  return detail;
}

void SetOnce(std::optional<TimeMs>& slot, TimeMs value) {
  if (!slot || value < *slot) slot = value;
}

}  // namespace

std::string PhaseOf(const std::string& action, const std::string& subject) {
  if (action == "incident.opened") return "detected";
  if (action == "incident.acknowledged") return "acked";
  if (action == "incident.mitigated") return "mitigated";
  if (action == "incident.resolved") return "resolved";
  if (action == "incident.closed") return "closed";
  if (action == "incident.reopened") return "reopened";
  if (action == "incident.note" || action == "incident.assigned") return "note";
  if (action == "incident.alert_added" || action == "incident.alert_resolved") return "alert";
  if (action == "incident.diagnosed") return "diagnosis";
  if (StartsWith(action, "page.") || StartsWith(action, "escalation.")) return "paged";
  if (StartsWith(subject, "notification/") || StartsWith(action, "notification.")) {
    return "notification";
  }
  if (StartsWith(action, "retro.") || action == "step.annotate") return "retro";
  if (StartsWith(subject, "step/") || StartsWith(action, "step.")) return "step";
  return "other";
}

Timeline BuildTimeline(std::vector<AuditEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const AuditEntry& left, const AuditEntry& right) { return left.seq < right.seq; });
  Timeline timeline;
  std::optional<TimeMs> detected;
  std::optional<TimeMs> acked;
  std::optional<TimeMs> mitigated;
  std::optional<TimeMs> resolved;
  for (const AuditEntry& entry : entries) {
    TimelineEntry item;
    item.time = entry.time;
    item.action = entry.action;
    item.subject = entry.subject;
    item.phase = PhaseOf(entry.action, entry.subject);
    auto data = nlohmann::json::parse(entry.data, nullptr, false);
    nlohmann::json details = nlohmann::json::object();
    if (data.is_object()) {
      if (data.contains("actor") && data["actor"].is_string()) item.actor = data["actor"].get<std::string>();
      if (data.contains("details") && data["details"].is_object()) details = data["details"];
    }
    item.detail = DetailOf(item.phase, entry.subject, details);
    if (item.phase == "detected" && !detected) detected = entry.time;
    if (detected) {
      if (item.phase == "acked") SetOnce(acked, entry.time);
      if (item.phase == "mitigated") SetOnce(mitigated, entry.time);
      if (item.phase == "resolved") SetOnce(resolved, entry.time);
    }
    timeline.entries.push_back(std::move(item));
  }
  if (!detected) return timeline;
  timeline.detected_at = *detected;
  // A later milestone implies the earlier ones happened by then (resolve without an explicit ack).
  if (resolved) SetOnce(mitigated, *resolved);
  if (mitigated) SetOnce(acked, *mitigated);
  if (acked) timeline.durations.to_acknowledge = *acked - *detected;
  if (mitigated) timeline.durations.to_mitigate = *mitigated - *detected;
  if (resolved) timeline.durations.to_resolve = *resolved - *detected;
  return timeline;
}

nlohmann::json TimelineToJson(const Timeline& timeline) {
  auto duration = [](const std::optional<TimeMs>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  nlohmann::json entries = nlohmann::json::array();
  for (const TimelineEntry& entry : timeline.entries) {
    entries.push_back({{"time", entry.time},
                       {"phase", entry.phase},
                       {"action", entry.action},
                       {"subject", entry.subject},
                       {"actor", entry.actor},
                       {"detail", entry.detail}});
  }
  return {{"detected_at", timeline.detected_at},
          {"entries", entries},
          {"durations_ms",
           {{"to_acknowledge", duration(timeline.durations.to_acknowledge)},
            {"to_mitigate", duration(timeline.durations.to_mitigate)},
            {"to_resolve", duration(timeline.durations.to_resolve)}}}};
}

}  // namespace vakt::retro
