#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::escalation {

// EscalationState is everything the engine needs to continue an incident's escalation: the
// server stores it as one durable timer row keyed by incident id, with `next_due_at` as the
// timer's due time (NULL when nothing is left to fire). Plain value; not synchronised.
struct EscalationState {
  enum class Phase { kActive, kAcknowledged, kResolved, kExhausted };

  std::string incident_id;
  std::string policy_id;
  TimeMs triggered_at = 0;
  int level = 0;  // index of the level that fires at next_due_at
  int loop = 0;   // 0 = first pass through the policy, up to policy.repeat
  std::optional<TimeMs> next_due_at;
  // Round-robin levels page target (round_robin_offset + loop) % targets. The caller picks the
  // offset at trigger time (e.g. a per-policy incident counter), so successive incidents start
  // at successive targets and the choice survives restarts.
  std::uint64_t round_robin_offset = 0;
  Phase phase = Phase::kActive;
  std::optional<TimeMs> stopped_at;  // when it was acknowledged, resolved or exhausted

  bool operator==(const EscalationState&) const = default;
};

const char* PhaseName(EscalationState::Phase phase);

// EncodeState writes the state as one JSON object (format version "v": 1), the value the server
// persists. DecodeState reads it back strictly: unknown keys, wrong types or a different version
// are Corruption errors naming the field. Decode(Encode(s)) == s for every state.
std::string EncodeState(const EscalationState& state);
Result<EscalationState> DecodeState(std::string_view json);

}  // namespace vakt::escalation
