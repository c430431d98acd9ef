#include "ingest/alertmanager_format.h"

#include <fmt/format.h>

#include "common/time_format.h"
#include "ingest/label_validation.h"

namespace vakt::ingest {
namespace {

// Go's zero time.Time, which Alertmanager writes for "not set".
bool IsGoZeroTime(const std::string& text) { return text.rfind("0001-01-01T00:00:00", 0) == 0; }

// ReadTime reads an optional RFC 3339 field; 0 means absent.
TimeMs ReadTime(const nlohmann::json& alert, const char* key, const std::string& field,
                FieldErrors& errors) {
  auto found = alert.find(key);
  if (found == alert.end() || found->is_null()) return 0;
  if (!found->is_string()) {
    errors.push_back({field + "." + key, "must be an RFC 3339 string"});
    return 0;
  }
  const auto& text = found->get_ref<const std::string&>();
  if (text.empty() || IsGoZeroTime(text)) return 0;
  auto parsed = ParseRfc3339(text);
  if (!parsed.ok()) {
    errors.push_back({field + "." + key, parsed.status().message()});
    return 0;
  }
  return *parsed;
}

// ReadOneAlert validates and normalises one postable/webhook alert object. Returns false (with
// errors appended) when the alert must not be stored.
bool ReadOneAlert(const nlohmann::json& item, const std::string& field, TimeMs now,
                  const IngestLimits& limits, AlertSource source, Alert& alert,
                  FieldErrors& errors) {
  size_t errors_before = errors.size();
  if (!item.is_object()) {
    errors.push_back({field, "must be an alert object"});
    return false;
  }
  auto labels = item.find("labels");
  if (labels == item.end()) {
    errors.push_back({field + ".labels", "is required"});
    return false;
  }
  alert.labels = ReadLabelObject(*labels, field + ".labels", limits.max_labels_per_alert,
                                 limits.max_label_name_bytes, limits.max_label_value_bytes, true,
                                 errors);
  auto annotations = item.find("annotations");
  if (annotations != item.end()) {
    alert.annotations = ReadLabelObject(*annotations, field + ".annotations",
                                        limits.max_annotations_per_alert,
                                        limits.max_label_name_bytes,
                                        limits.max_annotation_value_bytes, true, errors);
  }
  if (errors.size() == errors_before && alert.labels.empty()) {
    errors.push_back({field + ".labels", "at least one label pair required"});
  }
  auto generator = item.find("generatorURL");
  if (generator != item.end() && !generator->is_null()) {
    if (!generator->is_string()) {
      errors.push_back({field + ".generatorURL", "must be a string"});
    } else {
      alert.generator_url = generator->get<std::string>();
    }
  }
  TimeMs starts = ReadTime(item, "startsAt", field, errors);
  TimeMs ends = ReadTime(item, "endsAt", field, errors);
  if (errors.size() != errors_before) return false;
  if (starts == 0) starts = ends != 0 ? ends : now;
  if (ends == 0) ends = now + limits.resolve_timeout_ms;
  if (ends < starts) {
    errors.push_back({field + ".endsAt", "start time must be before end time"});
    return false;
  }
  alert.starts_at = starts;
  alert.ends_at = ends;
  alert.updated_at = now;
  alert.source = source;
  alert.fingerprint = Fingerprint(alert.labels);
  return true;
}

ParsedAlerts ParseAlertArray(const nlohmann::json& array, const std::string& prefix, TimeMs now,
                             const IngestLimits& limits, AlertSource source) {
  ParsedAlerts parsed;
  if (!array.is_array()) {
    parsed.errors.push_back({prefix.empty() ? "body" : prefix, "must be a JSON array of alerts"});
    return parsed;
  }
  if (array.size() > limits.max_alerts_per_request) {
    parsed.errors.push_back(
        {prefix.empty() ? "body" : prefix,
         fmt::format("has {} alerts; the limit is {}", array.size(), limits.max_alerts_per_request)});
    return parsed;
  }
  parsed.alerts.reserve(array.size());
  for (size_t idx = 0; idx < array.size(); ++idx) {
    Alert alert;
    if (ReadOneAlert(array[idx], fmt::format("{}[{}]", prefix, idx), now, limits, source, alert,
                     parsed.errors)) {
      parsed.alerts.push_back(std::move(alert));
    }
  }
  return parsed;
}

std::string OptionalString(const nlohmann::json& body, const char* key) {
  auto found = body.find(key);
  return found != body.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

ParsedAlerts ParsePostableAlerts(const nlohmann::json& body, TimeMs now,
                                 const IngestLimits& limits) {
  return ParseAlertArray(body, "", now, limits, AlertSource::kAlertmanagerApi);
}

Result<WebhookMessage> ParseWebhookV4(const nlohmann::json& body, TimeMs now,
                                      const IngestLimits& limits) {
  if (!body.is_object()) return Status::InvalidArgument("body: must be a webhook JSON object");
  auto version = body.find("version");
  if (version == body.end() || !version->is_string() || *version != "4") {
    return Status::InvalidArgument("version: must be \"4\" (Alertmanager webhook payload v4)");
  }
  auto alerts = body.find("alerts");
  if (alerts == body.end()) return Status::InvalidArgument("alerts: is required");
  WebhookMessage message;
  message.receiver = OptionalString(body, "receiver");
  message.status = OptionalString(body, "status");
  message.group_key = OptionalString(body, "groupKey");
  message.external_url = OptionalString(body, "externalURL");
  if (auto truncated = body.find("truncatedAlerts");
      truncated != body.end() && truncated->is_number_integer()) {
    message.truncated_alerts = truncated->get<long long>();
  }
  FieldErrors group_errors;
  auto read_set = [&](const char* key) {
    auto found = body.find(key);
    return found == body.end() ? LabelSet{}
                               : ReadLabelObject(*found, key, limits.max_labels_per_alert,
                                                 limits.max_label_name_bytes,
                                                 limits.max_annotation_value_bytes, false,
                                                 group_errors);
  };
  message.group_labels = read_set("groupLabels");
  message.common_labels = read_set("commonLabels");
  message.common_annotations = read_set("commonAnnotations");
  message.parsed = ParseAlertArray(*alerts, "alerts", now, limits, AlertSource::kAlertmanagerWebhook);
  message.parsed.errors.insert(message.parsed.errors.end(), group_errors.begin(),
                               group_errors.end());
  return message;
}

nlohmann::json AlertToApiJson(const Alert& alert, TimeMs now) {
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [name, value] : alert.labels) labels[name] = value;
  nlohmann::json annotations = nlohmann::json::object();
  for (const auto& [name, value] : alert.annotations) annotations[name] = value;
  bool active = alert.ends_at > now;
  return {
      {"labels", labels},
      {"annotations", annotations},
      {"startsAt", FormatRfc3339(alert.starts_at)},
      {"endsAt", FormatRfc3339(alert.ends_at)},
      {"updatedAt", FormatRfc3339(alert.updated_at)},
      {"generatorURL", alert.generator_url},
      {"fingerprint", FingerprintHex(alert.fingerprint)},
      {"receivers", nlohmann::json::array({{{"name", "vakt"}}})},
      {"status",
       {{"state", active ? "active" : "unprocessed"},
        {"silencedBy", nlohmann::json::array()},
        {"inhibitedBy", nlohmann::json::array()}}},
  };
}

}  // namespace vakt::ingest
