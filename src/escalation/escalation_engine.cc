#include "escalation/escalation_engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/time_format.h"

namespace vakt::escalation {
namespace {

std::string EncodeKeyPart(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == ':' || ch == '%') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(ch));
    } else {
      out += ch;
    }
  }
  return out;
}

struct Reached {
  std::string user;
  std::string target;
};

// UsersForLevel resolves a level's targets at `at`, deduplicating users (the first target that
// reaches a user is the one recorded).
std::vector<Reached> UsersForLevel(const Level& level, const EscalationState& state, TimeMs at,
                                   const TargetResolver& resolver) {
  std::vector<Reached> reached;
  auto add = [&reached](const Target& target, const std::vector<std::string>& users) {
    for (const std::string& user : users) {
      const bool seen = std::any_of(reached.begin(), reached.end(),
                                    [&user](const Reached& entry) { return entry.user == user; });
      if (!seen) reached.push_back({user, target.ToString()});
    }
  };
  const std::size_t count = level.targets.size();
  if (level.round_robin && count > 0) {
    // One target per firing; if it resolves to nobody (a schedule gap), the next one in turn.
    const std::size_t first =
        static_cast<std::size_t>((state.round_robin_offset + static_cast<std::uint64_t>(state.loop)) % count);
    for (std::size_t step = 0; step < count && reached.empty(); ++step) {
      const Target& target = level.targets[(first + step) % count];
      add(target, resolver.Resolve(target, at));
    }
    return reached;
  }
  for (const Target& target : level.targets) add(target, resolver.Resolve(target, at));
  return reached;
}

}  // namespace

std::vector<std::string> DirectoryResolver::Resolve(const Target& target, TimeMs at) const {
  switch (target.kind) {
    case Target::Kind::kUser:
      return directory_.FindUser(target.id) ? std::vector<std::string>{target.id} : std::vector<std::string>{};
    case Target::Kind::kSchedule: {
      const oncall::Schedule* schedule = directory_.FindSchedule(target.id);
      return schedule ? oncall::WhoIsOnCall(*schedule, at) : std::vector<std::string>{};
    }
    case Target::Kind::kTeam: {
      const oncall::Team* team = directory_.FindTeam(target.id);
      return team ? team->members : std::vector<std::string>{};
    }
  }
  return {};
}

std::string IdempotencyKey(std::string_view incident_id, std::string_view policy_id, int level,
                           int loop, std::string_view user) {
  return fmt::format("esc:{}:{}:L{}:R{}:{}", EncodeKeyPart(incident_id), EncodeKeyPart(policy_id),
                     level + 1, loop, EncodeKeyPart(user));
}

EscalationState StartEscalation(const EscalationPolicy& policy, std::string incident_id,
                                TimeMs triggered_at, std::uint64_t round_robin_offset) {
  EscalationState state;
  state.incident_id = std::move(incident_id);
  state.policy_id = policy.id;
  state.triggered_at = triggered_at;
  state.next_due_at = triggered_at;
  state.round_robin_offset = round_robin_offset;
  return state;
}

Result<StepResult> Advance(const EscalationPolicy& policy, const EscalationState& state, TimeMs now,
                           const TargetResolver& resolver) {
  if (state.policy_id != policy.id) {
    return Status::InvalidArgument(fmt::format("escalation of {} belongs to policy \"{}\", not \"{}\"",
                                               state.incident_id, state.policy_id, policy.id));
  }
  StepResult result{state, {}, {}};
  EscalationState& next = result.state;
  if (next.phase != EscalationState::Phase::kActive || !next.next_due_at || now < *next.next_due_at) {
    return result;
  }
  const TimeMs due = *next.next_due_at;
  const int level_count = static_cast<int>(policy.levels.size());
  auto finish = [&next, now] {
    next.phase = EscalationState::Phase::kExhausted;
    next.next_due_at.reset();
    next.stopped_at = now;
  };
  // Bounded: each iteration moves one level forward; at most every level of every loop once.
  for (int guard = 0; guard <= level_count * (policy.repeat + 1); ++guard) {
    if (next.loop > policy.repeat) break;
    if (next.level >= level_count) {
      // The policy was reloaded with fewer levels: continue with the next loop.
      result.notes.push_back(fmt::format("level {} no longer exists in policy {}; starting loop {}",
                                         next.level + 1, policy.id, next.loop + 1));
      next.level = 0;
      ++next.loop;
      continue;
    }
    const Level& level = policy.levels[static_cast<std::size_t>(next.level)];
    const std::vector<Reached> reached = UsersForLevel(level, next, now, resolver);
    for (const Reached& entry : reached) {
      result.pages.push_back({next.incident_id, policy.id, next.level, next.loop, entry.target, entry.user,
                              IdempotencyKey(next.incident_id, policy.id, next.level, next.loop, entry.user),
                              due, now});
    }
    if (reached.empty()) {
      result.notes.push_back(fmt::format("{}: level {} (loop {}) resolved to nobody at {}; escalating now",
                                         next.incident_id, next.level + 1, next.loop, FormatRfc3339(now)));
    }
    ++next.level;
    if (next.level == level_count) {
      next.level = 0;
      ++next.loop;
    }
    if (!reached.empty()) {
      if (next.loop > policy.repeat) {
        finish();
      } else {
        next.next_due_at = now + level.delay;
      }
      return result;
    }
  }
  finish();
  return result;
}

EscalationState Acknowledge(const EscalationState& state, TimeMs now) {
  EscalationState next = state;
  if (next.phase != EscalationState::Phase::kActive) return next;
  next.phase = EscalationState::Phase::kAcknowledged;
  next.next_due_at.reset();
  next.stopped_at = now;
  return next;
}

EscalationState Resolve(const EscalationState& state, TimeMs now) {
  EscalationState next = state;
  if (next.phase == EscalationState::Phase::kResolved) return next;
  next.phase = EscalationState::Phase::kResolved;
  next.next_due_at.reset();
  next.stopped_at = now;
  return next;
}

std::vector<StepResult> SimulateEscalation(const EscalationPolicy& policy,
                                           const TargetResolver& resolver, TimeMs triggered_at,
                                           std::uint64_t round_robin_offset) {
  std::vector<StepResult> steps;
  EscalationState state = StartEscalation(policy, "SIMULATION", triggered_at, round_robin_offset);
  const std::size_t max_steps = policy.levels.size() * static_cast<std::size_t>(policy.repeat + 1) + 1;
  for (std::size_t step = 0; step < max_steps && state.next_due_at; ++step) {
    Result<StepResult> result = Advance(policy, state, *state.next_due_at, resolver);
    if (!result.ok()) break;
    state = result->state;
    steps.push_back(std::move(*result));
  }
  return steps;
}

}  // namespace vakt::escalation
