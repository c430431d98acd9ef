#include "api/incident_json.h"

#include "common/time_format.h"

namespace vakt::api {
namespace {

nlohmann::json OptionalTime(TimeMs ms) {
  return ms == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatRfc3339(ms));
}

nlohmann::json Labels(const LabelSet& labels) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : labels) object[name] = value;
  return object;
}

}  // namespace

nlohmann::json IncidentToJson(const Incident& incident) {
  return {{"id", incident.Key()},
          {"number", incident.id},
          {"version", incident.version},
          {"title", incident.title},
          {"severity", incident.severity},
          {"state", IncidentStateName(incident.state)},
          {"group_key", incident.group_key},
          {"group_labels", Labels(incident.group_labels)},
          {"runbook",
           {{"id", incident.runbook_id},
            {"version", incident.runbook_version},
            {"content_hash", incident.runbook_hash}}},
          {"pipeline", incident.pipeline},
          {"assignee", incident.assignee},
          {"drill", incident.drill},
          {"created_at", FormatRfc3339(incident.created_at)},
          {"updated_at", FormatRfc3339(incident.updated_at)},
          {"acknowledged_at", OptionalTime(incident.acknowledged_at)},
          {"mitigated_at", OptionalTime(incident.mitigated_at)},
          {"resolved_at", OptionalTime(incident.resolved_at)},
          {"closed_at", OptionalTime(incident.closed_at)},
          {"context", incident.context}};
}

nlohmann::json IncidentEventToJson(const IncidentEvent& event) {
  return {
      {"id", event.id},         {"time", FormatRfc3339(event.time)}, {"actor", event.actor},
      {"kind", event.kind},     {"from_state", event.from_state},    {"to_state", event.to_state},
      {"reason", event.reason}, {"details", event.details}};
}

nlohmann::json AlertSummaryJson(const Alert& alert, TimeMs now) {
  return {{"fingerprint", FingerprintHex(alert.fingerprint)},
          {"labels", Labels(alert.labels)},
          {"annotations", Labels(alert.annotations)},
          {"starts_at", FormatRfc3339(alert.starts_at)},
          {"ends_at", FormatRfc3339(alert.ends_at)},
          {"state", alert.ends_at > now ? "active" : "resolved"},
          {"source", AlertSourceName(alert.source)}};
}

}  // namespace vakt::api
