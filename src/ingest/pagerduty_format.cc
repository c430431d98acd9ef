#include "ingest/pagerduty_format.h"

#include <fmt/format.h>

#include "common/crypto.h"
#include "common/time_format.h"
#include "ingest/label_validation.h"

namespace vakt::ingest {
namespace {

constexpr size_t kRoutingKeyLength = 32;
constexpr size_t kMaxDedupKey = 255;
constexpr size_t kMaxSummary = 1024;
constexpr size_t kMaxShortField = 1024;
// PagerDuty alerts stay open until resolved: their active range ends "never" (year 9999).
constexpr TimeMs kNever = 253402300799000;

const nlohmann::json* StringField(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return nullptr;
  return &*found;
}

// RequiredText returns payload[key] when it is a non-blank string of at most `max` characters;
// otherwise it adds why to `errors`, naming 'payload.<key>', and returns nullptr.
const nlohmann::json* RequiredText(const nlohmann::json& payload, const char* key, size_t max,
                                   std::vector<std::string>& errors) {
  const auto* value = StringField(payload, key);
  if (value == nullptr || value->get_ref<const std::string&>().empty()) {
    errors.push_back(fmt::format("'payload.{}' is missing or blank", key));
    return nullptr;
  }
  if (value->get_ref<const std::string&>().size() > max) {
    errors.push_back(fmt::format("'payload.{}' must be at most {} characters", key, max));
    return nullptr;
  }
  return value;
}

std::string RoutingKeyTag(const std::string& routing_key) {
  return Sha256Hex(routing_key).substr(0, 16);
}

void ReadRoutingKey(const nlohmann::json& body, std::string& routing_key,
                    std::vector<std::string>& errors) {
  const auto* key = StringField(body, "routing_key");
  if (key == nullptr || key->get_ref<const std::string&>().empty()) {
    errors.push_back("'routing_key' is missing or blank");
  } else if (key->get_ref<const std::string&>().size() != kRoutingKeyLength) {
    errors.push_back("'routing_key' must be 32 characters");
  } else {
    routing_key = key->get<std::string>();
  }
}

// Custom details become annotations (JSON-encoded when not a string) and, for string values with
// label-shaped names, labels too: that is how `pipeline`/`model` reach runbook selectors.
void AddCustomDetails(const nlohmann::json& details, Alert& alert) {
  if (!details.is_object()) {
    if (!details.is_null()) alert.annotations["custom_details"] = details.dump();
    return;
  }
  for (const auto& [name, value] : details.items()) {
    if (!IsValidLabelName(name) || name.size() > 256) continue;
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      if (text.empty() || text.size() > 4096) continue;
      if (alert.labels.size() < 48 && !alert.labels.contains(name)) alert.labels[name] = text;
      alert.annotations[name] = text;
    } else if (!value.is_null()) {
      alert.annotations[name] = value.dump();
    }
  }
}

}  // namespace

std::uint64_t PagerDutyFingerprint(const std::string& routing_key, const std::string& dedup_key) {
  return Fingerprint({{"__pd_dedup_key", dedup_key}, {"__pd_integration", RoutingKeyTag(routing_key)}});
}

std::string ScopedDedupKey(const std::string& routing_key, const std::string& dedup_key) {
  return RoutingKeyTag(routing_key) + "/" + dedup_key;
}

PagerDutyParse ParsePagerDutyEvent(const nlohmann::json& body, TimeMs now) {
  PagerDutyParse result;
  auto& errors = result.errors;
  auto& event = result.event;
  if (!body.is_object()) {
    errors.push_back("Event object is invalid");
    return result;
  }
  ReadRoutingKey(body, event.routing_key, errors);
  const auto* action = StringField(body, "event_action");
  if (action == nullptr) {
    errors.push_back("'event_action' is missing or blank");
  } else if (*action == "trigger") {
    event.action = PagerDutyAction::kTrigger;
  } else if (*action == "acknowledge") {
    event.action = PagerDutyAction::kAcknowledge;
  } else if (*action == "resolve") {
    event.action = PagerDutyAction::kResolve;
  } else {
    errors.push_back("'event_action' must be one of trigger, acknowledge or resolve");
  }
  if (auto found = body.find("dedup_key"); found != body.end() && !found->is_null()) {
    if (!found->is_string()) {
      errors.push_back("'dedup_key' must be a string");
    } else if (found->get_ref<const std::string&>().size() > kMaxDedupKey) {
      errors.push_back("'dedup_key' must be at most 255 characters");
    } else {
      event.dedup_key = found->get<std::string>();
    }
  }
  bool triggering = action != nullptr && event.action == PagerDutyAction::kTrigger;
  if (!triggering && action != nullptr && event.dedup_key.empty()) {
    errors.push_back("'dedup_key' is missing or blank");
  }
  Alert& alert = event.alert;
  if (triggering) {
    auto payload = body.find("payload");
    if (payload == body.end() || !payload->is_object()) {
      errors.push_back("'payload' is missing or not an object");
    } else {
      if (const auto* summary = RequiredText(*payload, "summary", kMaxSummary, errors)) {
        alert.annotations["summary"] = summary->get<std::string>();
      }
      if (const auto* source = RequiredText(*payload, "source", kMaxShortField, errors)) {
        alert.labels["source"] = source->get<std::string>();
      }
      const auto* severity = StringField(*payload, "severity");
      if (severity == nullptr) {
        errors.push_back("'payload.severity' is missing or blank");
      } else if (*severity != "critical" && *severity != "error" && *severity != "warning" &&
                 *severity != "info") {
        errors.push_back("'payload.severity' must be one of critical, error, warning or info");
      } else {
        alert.labels["severity"] = severity->get<std::string>();
      }
      alert.starts_at = now;
      if (const auto* timestamp = StringField(*payload, "timestamp")) {
        auto parsed = ParseRfc3339(timestamp->get<std::string>());
        if (!parsed.ok()) {
          errors.push_back("'payload.timestamp' must be an ISO 8601 timestamp");
        } else {
          alert.starts_at = *parsed;
        }
      }
      for (const char* key : {"component", "group", "class"}) {
        const auto* value = StringField(*payload, key);
        if (value == nullptr || value->get_ref<const std::string&>().empty()) continue;
        if (value->get_ref<const std::string&>().size() > kMaxShortField) {
          errors.push_back(fmt::format("'payload.{}' must be at most 1024 characters", key));
        } else {
          alert.labels[key] = value->get<std::string>();
        }
      }
      if (auto details = payload->find("custom_details"); details != payload->end()) {
        AddCustomDetails(*details, alert);
      }
    }
    for (const char* key : {"links", "images"}) {
      if (auto found = body.find(key); found != body.end() && found->is_array()) {
        alert.annotations[key] = found->dump();
      }
    }
    if (const auto* client_url = StringField(body, "client_url")) {
      alert.generator_url = client_url->get<std::string>();
    }
  }
  if (!errors.empty()) return result;
  if (event.dedup_key.empty()) event.dedup_key = RandomToken(16);
  alert.fingerprint = PagerDutyFingerprint(event.routing_key, event.dedup_key);
  alert.dedup_key = ScopedDedupKey(event.routing_key, event.dedup_key);
  alert.source = AlertSource::kPagerDuty;
  alert.updated_at = now;
  alert.ends_at = kNever;
  if (!alert.labels.contains("alertname")) {
    alert.labels["alertname"] =
        alert.labels.contains("class") ? alert.labels["class"] : std::string("PagerDutyEvent");
  }
  alert.labels["dedup_key"] = event.dedup_key;
  return result;
}

Result<storage::ChangeEvent> ParsePagerDutyChange(const nlohmann::json& body, TimeMs now,
                                                  std::vector<std::string>& errors) {
  storage::ChangeEvent change;
  if (!body.is_object()) {
    errors.push_back("Event object is invalid");
    return Status::InvalidArgument("invalid change event");
  }
  std::string routing_key;
  ReadRoutingKey(body, routing_key, errors);
  auto payload = body.find("payload");
  if (payload == body.end() || !payload->is_object()) {
    errors.push_back("'payload' is missing or not an object");
    return Status::InvalidArgument("invalid change event");
  }
  if (const auto* summary = RequiredText(*payload, "summary", kMaxSummary, errors)) {
    change.summary = summary->get<std::string>();
  }
  change.timestamp = now;
  if (const auto* timestamp = StringField(*payload, "timestamp")) {
    auto parsed = ParseRfc3339(timestamp->get<std::string>());
    if (!parsed.ok()) {
      errors.push_back("'payload.timestamp' must be an ISO 8601 timestamp");
    } else {
      change.timestamp = *parsed;
    }
  }
  if (const auto* source = StringField(*payload, "source")) change.source = source->get<std::string>();
  if (auto details = payload->find("custom_details");
      details != payload->end() && details->is_object()) {
    if (const auto* pipeline = StringField(*details, "pipeline")) {
      change.pipeline = pipeline->get<std::string>();
    }
    if (const auto* version = StringField(*details, "version")) {
      change.version = version->get<std::string>();
    }
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid change event");
  if (change.source.empty()) change.source = "pagerduty-change";
  // The routing key is a credential: keep it out of the stored payload.
  nlohmann::json stored = body;
  stored.erase("routing_key");
  change.payload_json = stored.dump();
  return change;
}

}  // namespace vakt::ingest
