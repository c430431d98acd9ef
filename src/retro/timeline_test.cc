#include "retro/timeline.h"

#include <gtest/gtest.h>

namespace vakt::retro {
namespace {

AuditEntry Leaf(std::int64_t seq, TimeMs time, const std::string& action,
                const std::string& subject, const std::string& actor = "alice",
                const nlohmann::json& details = nlohmann::json::object()) {
  nlohmann::json data = {{"actor", actor}, {"action", action}, {"subject", subject}, {"details", details}};
  return {seq, time, action, subject, data.dump()};
}

TEST(TimelineTest, DurationsAreMeasuredFromDetection) {
  Timeline timeline = BuildTimeline({
      Leaf(3, 1'000, "incident.opened", "incident/INC-1", "vakt"),
      Leaf(4, 61'000, "incident.acknowledged", "incident/INC-1"),
      Leaf(5, 301'000, "incident.mitigated", "incident/INC-1"),
      Leaf(6, 901'000, "incident.resolved", "incident/INC-1", "bob", {{"reason", "rolled back"}}),
  });
  EXPECT_EQ(timeline.detected_at, 1'000);
  EXPECT_EQ(timeline.durations.to_acknowledge, 60'000);
  EXPECT_EQ(timeline.durations.to_mitigate, 300'000);
  EXPECT_EQ(timeline.durations.to_resolve, 900'000);
  ASSERT_EQ(timeline.entries.size(), 4u);
  EXPECT_EQ(timeline.entries[3].phase, "resolved");
  EXPECT_EQ(timeline.entries[3].actor, "bob");
  EXPECT_EQ(timeline.entries[3].detail, "rolled back");
}

TEST(TimelineTest, EntriesFollowLogOrderNotInputOrder) {
  Timeline timeline = BuildTimeline({
      Leaf(9, 5'000, "incident.resolved", "incident/INC-2"),
      Leaf(2, 1'000, "incident.opened", "incident/INC-2"),
  });
  ASSERT_EQ(timeline.entries.size(), 2u);
  EXPECT_EQ(timeline.entries[0].phase, "detected");
  EXPECT_EQ(timeline.entries[1].phase, "resolved");
}

TEST(TimelineTest, ResolveWithoutAckCountsAsAckAndMitigation) {
  Timeline timeline = BuildTimeline({
      Leaf(1, 0, "incident.opened", "incident/INC-3"),
      Leaf(2, 120'000, "incident.resolved", "incident/INC-3"),
  });
  EXPECT_EQ(timeline.durations.to_acknowledge, 120'000);
  EXPECT_EQ(timeline.durations.to_mitigate, 120'000);
  EXPECT_EQ(timeline.durations.to_resolve, 120'000);
}

TEST(TimelineTest, UnreachedMilestonesStayEmpty) {
  Timeline timeline = BuildTimeline({
      Leaf(1, 0, "incident.opened", "incident/INC-4"),
      Leaf(2, 10'000, "incident.acknowledged", "incident/INC-4"),
  });
  EXPECT_EQ(timeline.durations.to_acknowledge, 10'000);
  EXPECT_FALSE(timeline.durations.to_mitigate.has_value());
  EXPECT_FALSE(timeline.durations.to_resolve.has_value());
  EXPECT_TRUE(TimelineToJson(timeline)["durations_ms"]["to_resolve"].is_null());
}

TEST(TimelineTest, StepsNotificationsAndPagesGetTheirPhase) {
  Timeline timeline = BuildTimeline({
      Leaf(1, 0, "incident.opened", "incident/INC-5"),
      Leaf(2, 1, "page.enqueue", "incident/INC-5"),
      Leaf(3, 2, "notification.enqueue", "notification/INC-5-page-1"),
      Leaf(4, 3, "step.approve", "step/INC-5/shift-traffic", "carol",
           {{"from", "awaiting_approval"}, {"to", "approved"}}),
      Leaf(5, 4, "step.annotate", "step/INC-5/shift-traffic", "carol", {{"kind", "slow"}}),
  });
  ASSERT_EQ(timeline.entries.size(), 5u);
  EXPECT_EQ(timeline.entries[1].phase, "paged");
  EXPECT_EQ(timeline.entries[2].phase, "notification");
  EXPECT_EQ(timeline.entries[3].phase, "step");
  EXPECT_EQ(timeline.entries[3].detail, "shift-traffic: awaiting_approval → approved");
  EXPECT_EQ(timeline.entries[4].phase, "retro");
}

TEST(TimelineTest, NoDetectionMeansNoDurations) {
  Timeline timeline = BuildTimeline({Leaf(1, 50, "incident.acknowledged", "incident/INC-6")});
  EXPECT_EQ(timeline.detected_at, 0);
  EXPECT_FALSE(timeline.durations.to_acknowledge.has_value());
}

}  // namespace
}  // namespace vakt::retro
