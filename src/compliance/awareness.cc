#include "compliance/awareness.h"

#include "common/time_format.h"

namespace vakt::compliance {
namespace {

constexpr size_t kMaxReason = 2000;

Result<std::string> Reason(const nlohmann::json& object) {
  auto reason = object.find("reason");
  if (reason == object.end() || !reason->is_string() || reason->get<std::string>().empty()) {
    return Status::InvalidArgument("reason: required (why awareness is set to this time)");
  }
  if (reason->get<std::string>().size() > kMaxReason) {
    return Status::InvalidArgument("reason: at most 2000 bytes");
  }
  return reason->get<std::string>();
}

}  // namespace

Result<AwarenessChange> DecodeAwarenessRequest(const nlohmann::json& body, TimeMs now,
                                               const std::string& actor) {
  if (!body.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "became_aware_at" && key != "reason") {
      return Status::InvalidArgument(key + ": unknown field (became_aware_at, reason)");
    }
  }
  auto at = body.find("became_aware_at");
  if (at == body.end() || !at->is_string()) {
    return Status::InvalidArgument("became_aware_at: required, an RFC 3339 time");
  }
  auto parsed = ParseRfc3339(at->get<std::string>());
  if (!parsed.ok()) return parsed.status().WithContext("became_aware_at");
  if (*parsed > now) {
    return Status::InvalidArgument("became_aware_at: " + at->get<std::string>() +
                                   " is in the future");
  }
  AwarenessChange change;
  change.became_aware_at = *parsed;
  VAKT_ASSIGN_OR_RETURN(change.reason, Reason(body));
  change.actor = actor;
  change.recorded_at = now;
  return change;
}

nlohmann::json AwarenessDetails(const AwarenessChange& change) {
  return {{"became_aware_at_ms", change.became_aware_at}, {"reason", change.reason}};
}

Result<AwarenessChange> DecodeAwarenessRecord(const nlohmann::json& details, TimeMs recorded_at,
                                              const std::string& actor) {
  if (!details.is_object()) return Status::InvalidArgument("details: must be an object");
  auto at = details.find("became_aware_at_ms");
  if (at == details.end() || !at->is_number_integer()) {
    return Status::InvalidArgument("became_aware_at_ms: must be an integer");
  }
  AwarenessChange change;
  change.became_aware_at = at->get<TimeMs>();
  VAKT_ASSIGN_OR_RETURN(change.reason, Reason(details));
  change.actor = actor;
  change.recorded_at = recorded_at;
  return change;
}

}  // namespace vakt::compliance
