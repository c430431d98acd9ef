#include "escalation/escalation_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json_parse.h"

namespace vakt::escalation {
namespace {

constexpr int kFormatVersion = 1;

Result<EscalationState::Phase> ParsePhase(std::string_view name) {
  for (auto phase : {EscalationState::Phase::kActive, EscalationState::Phase::kAcknowledged,
                     EscalationState::Phase::kResolved, EscalationState::Phase::kExhausted}) {
    if (name == PhaseName(phase)) return phase;
  }
  return Status::Corruption(fmt::format("escalation state: unknown phase \"{}\"", name));
}

}  // namespace

const char* PhaseName(EscalationState::Phase phase) {
  switch (phase) {
    case EscalationState::Phase::kActive:
      return "active";
    case EscalationState::Phase::kAcknowledged:
      return "acknowledged";
    case EscalationState::Phase::kResolved:
      return "resolved";
    case EscalationState::Phase::kExhausted:
      return "exhausted";
  }
  return "unknown";
}

std::string EncodeState(const EscalationState& state) {
  nlohmann::json json = {
      {"v", kFormatVersion},
      {"incident_id", state.incident_id},
      {"policy_id", state.policy_id},
      {"triggered_at", state.triggered_at},
      {"level", state.level},
      {"loop", state.loop},
      {"next_due_at", state.next_due_at ? nlohmann::json(*state.next_due_at) : nlohmann::json(nullptr)},
      {"round_robin_offset", state.round_robin_offset},
      {"phase", PhaseName(state.phase)},
      {"stopped_at", state.stopped_at ? nlohmann::json(*state.stopped_at) : nlohmann::json(nullptr)},
  };
  return json.dump();
}

Result<EscalationState> DecodeState(std::string_view text) {
  Result<nlohmann::json> parsed = ParseJsonStrict(text);
  if (!parsed.ok()) return Status::Corruption("escalation state: " + parsed.status().message());
  const nlohmann::json& json = *parsed;
  if (!json.is_object()) return Status::Corruption("escalation state: not a JSON object");
  static constexpr std::string_view kKeys[] = {"v",    "incident_id", "policy_id",          "triggered_at",
                                               "level", "loop",       "next_due_at",        "round_robin_offset",
                                               "phase", "stopped_at"};
  for (const auto& [key, value] : json.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Status::Corruption(fmt::format("escalation state: unknown field \"{}\"", key));
    }
  }
  for (std::string_view key : kKeys) {
    if (!json.contains(key)) return Status::Corruption(fmt::format("escalation state: missing field \"{}\"", key));
  }
  auto type_error = [](std::string_view key) {
    return Status::Corruption(fmt::format("escalation state: field \"{}\" has the wrong type", key));
  };
  if (!json["v"].is_number_integer() || json["v"].get<int>() != kFormatVersion) {
    return Status::Corruption("escalation state: unsupported format version");
  }
  EscalationState state;
  if (!json["incident_id"].is_string()) return type_error("incident_id");
  state.incident_id = json["incident_id"].get<std::string>();
  if (!json["policy_id"].is_string()) return type_error("policy_id");
  state.policy_id = json["policy_id"].get<std::string>();
  if (!json["triggered_at"].is_number_integer()) return type_error("triggered_at");
  state.triggered_at = json["triggered_at"].get<TimeMs>();
  if (!json["level"].is_number_integer() || json["level"].get<long long>() < 0) return type_error("level");
  state.level = json["level"].get<int>();
  if (!json["loop"].is_number_integer() || json["loop"].get<long long>() < 0) return type_error("loop");
  state.loop = json["loop"].get<int>();
  if (json["next_due_at"].is_number_integer()) {
    state.next_due_at = json["next_due_at"].get<TimeMs>();
  } else if (!json["next_due_at"].is_null()) {
    return type_error("next_due_at");
  }
  if (!json["round_robin_offset"].is_number_unsigned()) return type_error("round_robin_offset");
  state.round_robin_offset = json["round_robin_offset"].get<std::uint64_t>();
  if (!json["phase"].is_string()) return type_error("phase");
  VAKT_ASSIGN_OR_RETURN(state.phase, ParsePhase(json["phase"].get<std::string>()));
  if (json["stopped_at"].is_number_integer()) {
    state.stopped_at = json["stopped_at"].get<TimeMs>();
  } else if (!json["stopped_at"].is_null()) {
    return type_error("stopped_at");
  }
  if (state.phase == EscalationState::Phase::kActive && !state.next_due_at) {
    return Status::Corruption("escalation state: active without next_due_at");
  }
  return state;
}

}  // namespace vakt::escalation
