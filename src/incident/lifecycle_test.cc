#include "incident/lifecycle.h"

#include <gtest/gtest.h>

namespace vakt::incident {
namespace {

Incident InState(IncidentState state) {
  Incident incident;
  incident.id = 7;
  incident.state = state;
  return incident;
}

// Every (state, action) pair: allowed transitions and the state they lead to; "-" = refused.
TEST(LifecycleTest, TransitionTableMatchesTheDocumentedLifecycle) {
  using S = IncidentState;
  using A = IncidentAction;
  struct Row {
    S from;
    A action;
    const char* to;
  };
  std::vector<Row> rows = {
      {S::kTriggered, A::kAcknowledge, "acknowledged"}, {S::kTriggered, A::kMitigate, "mitigated"},
      {S::kTriggered, A::kResolve, "resolved"},         {S::kTriggered, A::kClose, "-"},
      {S::kTriggered, A::kReopen, "-"},                 {S::kAcknowledged, A::kAcknowledge, "-"},
      {S::kAcknowledged, A::kMitigate, "mitigated"},    {S::kAcknowledged, A::kResolve, "resolved"},
      {S::kMitigated, A::kAcknowledge, "-"},            {S::kMitigated, A::kMitigate, "-"},
      {S::kMitigated, A::kResolve, "resolved"},         {S::kResolved, A::kResolve, "-"},
      {S::kResolved, A::kClose, "closed"},              {S::kResolved, A::kReopen, "triggered"},
      {S::kClosed, A::kReopen, "triggered"},            {S::kClosed, A::kAcknowledge, "-"},
      {S::kClosed, A::kAssign, "-"},
  };
  for (const Row& row : rows) {
    auto applied = ApplyAction(InState(row.from), row.action, "alice", "x", 1000);
    std::string got = applied.ok() ? IncidentStateName(applied->incident.state) : "-";
    EXPECT_EQ(got, row.to) << IncidentStateName(row.from) << " + " << IncidentActionName(row.action);
    if (!applied.ok()) {
      EXPECT_EQ(applied.status().code(), StatusCode::kFailedPrecondition);
    }
  }
}

TEST(LifecycleTest, EventRecordsActorTimeAndReason) {
  auto applied = ApplyAction(InState(IncidentState::kTriggered), IncidentAction::kAcknowledge,
                             "alice", "looking into it", 5000);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->event.actor, "alice");
  EXPECT_EQ(applied->event.time, 5000);
  EXPECT_EQ(applied->event.reason, "looking into it");
  EXPECT_EQ(applied->event.from_state, "triggered");
  EXPECT_EQ(applied->event.to_state, "acknowledged");
  EXPECT_EQ(applied->incident.acknowledged_at, 5000);
}

TEST(LifecycleTest, AssignAndNoteNeedAnArgumentAndAnActor) {
  EXPECT_EQ(ApplyAction(InState(IncidentState::kTriggered), IncidentAction::kAssign, "a", "", 1)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyAction(InState(IncidentState::kTriggered), IncidentAction::kNote, "", "hi", 1)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  auto assigned = ApplyAction(InState(IncidentState::kTriggered), IncidentAction::kAssign, "a", "bob", 1);
  ASSERT_TRUE(assigned.ok());
  EXPECT_EQ(assigned->incident.assignee, "bob");
}

TEST(LifecycleTest, ReopenClearsResolutionTimes) {
  Incident incident = InState(IncidentState::kClosed);
  incident.resolved_at = 10;
  incident.closed_at = 20;
  auto applied = ApplyAction(incident, IncidentAction::kReopen, "alice", "regressed", 30);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->incident.resolved_at, 0);
  EXPECT_EQ(applied->incident.closed_at, 0);
}

}  // namespace
}  // namespace vakt::incident
