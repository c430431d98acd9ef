#include "escalation/escalation_engine.h"

#include <gtest/gtest.h>

#include <map>

namespace vakt::escalation {
namespace {

constexpr TimeMs kMinute = 60'000;

// MapResolver resolves "kind:id" through a fixed table; a schedule can change at `handoff_at`.
class MapResolver final : public TargetResolver {
 public:
  std::vector<std::string> Resolve(const Target& target, TimeMs at) const override {
    const std::string key = target.ToString();
    if (at >= handoff_at && after.count(key)) return after.at(key);
    auto it = before.find(key);
    return it == before.end() ? std::vector<std::string>{} : it->second;
  }
  std::map<std::string, std::vector<std::string>> before;
  std::map<std::string, std::vector<std::string>> after;
  TimeMs handoff_at = 1LL << 62;
};

EscalationPolicy TwoLevels(int repeat = 0) {
  EscalationPolicy policy;
  policy.id = "p";
  policy.repeat = repeat;
  policy.levels.push_back({{{Target::Kind::kSchedule, "primary"}}, 5 * kMinute, false});
  policy.levels.push_back({{{Target::Kind::kUser, "lead"}, {Target::Kind::kTeam, "ml"}}, 10 * kMinute, false});
  return policy;
}

MapResolver Resolver() {
  MapResolver resolver;
  resolver.before = {{"schedule:primary", {"ada"}}, {"user:lead", {"lead"}}, {"team:ml", {"ada", "bo", "lead"}}};
  return resolver;
}

std::string Render(const std::vector<PageIntent>& pages) {
  std::string out;
  for (const PageIntent& page : pages) {
    out += page.user + "@" + std::to_string(page.fired_at / kMinute) + "m L" + std::to_string(page.level + 1) +
           " via " + page.target + "\n";
  }
  return out;
}

// Drive runs Advance at each due time until `until`, returning all pages.
std::vector<PageIntent> Drive(const EscalationPolicy& policy, EscalationState state, TimeMs until,
                              const TargetResolver& resolver) {
  std::vector<PageIntent> pages;
  for (int step = 0; step < 100 && state.next_due_at && *state.next_due_at <= until; ++step) {
    StepResult result = Advance(policy, state, *state.next_due_at, resolver).value();
    pages.insert(pages.end(), result.pages.begin(), result.pages.end());
    state = result.state;
  }
  return pages;
}

TEST(EscalationEngineTest, UnackedEscalatesThroughLevelsAndDeduplicatesUsers) {
  const EscalationPolicy policy = TwoLevels();
  const MapResolver resolver = Resolver();
  EXPECT_EQ(Render(Drive(policy, StartEscalation(policy, "INC-1", 0, 0), 60 * kMinute, resolver)),
            "ada@0m L1 via schedule:primary\n"
            "lead@5m L2 via user:lead\nada@5m L2 via team:ml\nbo@5m L2 via team:ml\n");
}

TEST(EscalationEngineTest, NothingFiresBeforeDueAndStateIsUnchanged) {
  const EscalationPolicy policy = TwoLevels();
  const MapResolver resolver = Resolver();
  StepResult first = Advance(policy, StartEscalation(policy, "INC-1", 0, 0), 0, resolver).value();
  ASSERT_EQ(first.pages.size(), 1u);
  ASSERT_EQ(first.state.next_due_at, 5 * kMinute);
  StepResult early = Advance(policy, first.state, 5 * kMinute - 1, resolver).value();
  EXPECT_TRUE(early.pages.empty());
  EXPECT_EQ(early.state, first.state);
}

TEST(EscalationEngineTest, OverdueAfterOutageFiresPendingLevelOnceThenFullDelay) {
  const EscalationPolicy policy = TwoLevels(1);
  const MapResolver resolver = Resolver();
  StepResult first = Advance(policy, StartEscalation(policy, "INC-1", 0, 0), 0, resolver).value();
  // Down from 1m to 3h: level 2 (due 5m), then loop 1 levels 1 and 2, were all "due" by then.
  StepResult late = Advance(policy, first.state, 180 * kMinute, resolver).value();
  EXPECT_EQ(Render(late.pages), "lead@180m L2 via user:lead\nada@180m L2 via team:ml\nbo@180m L2 via team:ml\n");
  EXPECT_EQ(late.state.next_due_at, 190 * kMinute);
  EXPECT_EQ(late.state.loop, 1);
  EXPECT_EQ(late.state.level, 0);
  // Running the same step again from the persisted state (as after a lost commit) gives the same keys.
  StepResult replay = Advance(policy, first.state, 181 * kMinute, resolver).value();
  ASSERT_EQ(replay.pages.size(), late.pages.size());
  for (std::size_t index = 0; index < replay.pages.size(); ++index) {
    EXPECT_EQ(replay.pages[index].idempotency_key, late.pages[index].idempotency_key);
  }
}

TEST(EscalationEngineTest, RepeatLoopsThenExhausts) {
  EscalationPolicy policy = TwoLevels(2);
  policy.levels.pop_back();
  const MapResolver resolver = Resolver();
  EscalationState state = StartEscalation(policy, "INC-1", 0, 0);
  const std::vector<PageIntent> pages = Drive(policy, state, 1000 * kMinute, resolver);
  EXPECT_EQ(Render(pages), "ada@0m L1 via schedule:primary\nada@5m L1 via schedule:primary\n"
                           "ada@10m L1 via schedule:primary\n");
  EXPECT_EQ(pages[2].idempotency_key, "esc:INC-1:p:L1:R2:ada");
}

TEST(EscalationEngineTest, AckAndResolveStopAndAreIdempotent) {
  const EscalationPolicy policy = TwoLevels();
  const MapResolver resolver = Resolver();
  StepResult first = Advance(policy, StartEscalation(policy, "INC-1", 0, 0), 0, resolver).value();
  const EscalationState acked = Acknowledge(first.state, 2 * kMinute);
  EXPECT_EQ(acked.phase, EscalationState::Phase::kAcknowledged);
  EXPECT_FALSE(acked.next_due_at.has_value());
  EXPECT_TRUE(Advance(policy, acked, 60 * kMinute, resolver).value().pages.empty());
  EXPECT_EQ(Acknowledge(acked, 3 * kMinute), acked);
  const EscalationState resolved = Resolve(first.state, 4 * kMinute);
  EXPECT_EQ(resolved.phase, EscalationState::Phase::kResolved);
  EXPECT_TRUE(Advance(policy, resolved, 60 * kMinute, resolver).value().pages.empty());
  EXPECT_EQ(Resolve(resolved, 9 * kMinute), resolved);
}

TEST(EscalationEngineTest, RoundRobinRotatesPerIncidentAndPerLoop) {
  EscalationPolicy policy;
  policy.id = "rr";
  policy.repeat = 1;
  policy.levels.push_back({{{Target::Kind::kUser, "a"}, {Target::Kind::kUser, "b"}, {Target::Kind::kUser, "c"}},
                           5 * kMinute, true});
  MapResolver resolver;
  resolver.before = {{"user:a", {"a"}}, {"user:b", {"b"}}, {"user:c", {"c"}}};
  EXPECT_EQ(Render(Drive(policy, StartEscalation(policy, "I1", 0, 0), 100 * kMinute, resolver)),
            "a@0m L1 via user:a\nb@5m L1 via user:b\n");
  EXPECT_EQ(Render(Drive(policy, StartEscalation(policy, "I2", 0, 1), 100 * kMinute, resolver)),
            "b@0m L1 via user:b\nc@5m L1 via user:c\n");
  EXPECT_EQ(Render(Drive(policy, StartEscalation(policy, "I3", 0, 2), 100 * kMinute, resolver)),
            "c@0m L1 via user:c\na@5m L1 via user:a\n");
}

TEST(EscalationEngineTest, LevelResolvingToNobodyEscalatesImmediatelyWithNote) {
  const EscalationPolicy policy = TwoLevels();
  MapResolver resolver = Resolver();
  resolver.before.erase("schedule:primary");  // gap in the schedule
  StepResult first = Advance(policy, StartEscalation(policy, "INC-1", 0, 0), 0, resolver).value();
  EXPECT_EQ(Render(first.pages), "lead@0m L2 via user:lead\nada@0m L2 via team:ml\nbo@0m L2 via team:ml\n");
  ASSERT_EQ(first.notes.size(), 1u);
  EXPECT_NE(first.notes[0].find("level 1 (loop 0) resolved to nobody"), std::string::npos);
  EXPECT_EQ(first.state.phase, EscalationState::Phase::kExhausted);
}

TEST(EscalationEngineTest, ScheduleTargetsResolveAtFireTime) {
  const EscalationPolicy policy = TwoLevels(1);
  MapResolver resolver = Resolver();
  resolver.after = {{"schedule:primary", {"bo"}}};
  resolver.handoff_at = 10 * kMinute;
  const std::vector<PageIntent> pages = Drive(policy, StartEscalation(policy, "INC-1", 0, 0), 15 * kMinute, resolver);
  EXPECT_EQ(pages.front().user, "ada");
  EXPECT_EQ(Render({pages.back()}), "bo@15m L1 via schedule:primary\n");
}

TEST(EscalationEngineTest, KeysEscapeSeparatorsAndStateMustMatchPolicy) {
  EXPECT_EQ(IdempotencyKey("a:b", "p%", 0, 0, "u"), "esc:a%3Ab:p%25:L1:R0:u");
  EXPECT_NE(IdempotencyKey("a:b", "c", 0, 0, "u"), IdempotencyKey("a", "b:c", 0, 0, "u"));
  const EscalationPolicy policy = TwoLevels();
  EscalationState state = StartEscalation(policy, "INC-1", 0, 0);
  state.policy_id = "other";
  EXPECT_EQ(Advance(policy, state, 0, Resolver()).status().code(), StatusCode::kInvalidArgument);
}

TEST(EscalationEngineTest, SimulationListsEveryPageOfAnUnackedIncident) {
  const EscalationPolicy policy = TwoLevels(1);
  const std::vector<StepResult> steps = SimulateEscalation(policy, Resolver(), 0);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[2].pages.front().fired_at, 15 * kMinute);
  EXPECT_EQ(steps[3].state.phase, EscalationState::Phase::kExhausted);
}

}  // namespace
}  // namespace vakt::escalation
