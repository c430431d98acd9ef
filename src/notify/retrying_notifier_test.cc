#include "notify/retrying_notifier.h"

#include <gtest/gtest.h>

#include <deque>

namespace vakt::notify {
namespace {

// ScriptedNotifier returns the scripted statuses in order, then Ok; counts calls.
class ScriptedNotifier final : public Notifier {
 public:
  explicit ScriptedNotifier(std::deque<Status> script) : script_(std::move(script)) {}
  Status Send(const Notification&) override {
    ++calls_;
    if (script_.empty()) return Status::Ok();
    Status next = script_.front();
    script_.pop_front();
    return next;
  }
  int calls() const { return calls_; }

 private:
  std::deque<Status> script_;
  int calls_ = 0;
};

struct Harness {
  FakeClock clock;
  std::vector<TimeMs> waits;
  Sleeper sleeper() {
    return [this](TimeMs ms) {
      waits.push_back(ms);
      clock.Advance(ms);
    };
  }
};

// Returns the upper bound, so waits show the backoff ceiling for each attempt.
TimeMs MaxJitter(TimeMs upper) { return upper; }

TEST(RetryingNotifierTest, FailsTwiceThenSucceeds) {
  ScriptedNotifier inner({Status::Unavailable("503"), Status::Unavailable("timeout")});
  Harness harness;
  RetryingNotifier retrying(inner, RetryPolicy{5, 100, 10'000, 60'000}, harness.clock,
                            harness.sleeper(), MaxJitter);
  EXPECT_TRUE(retrying.Send({}).ok());
  EXPECT_EQ(inner.calls(), 3);
  EXPECT_EQ(harness.waits, (std::vector<TimeMs>{100, 200}));
}

TEST(RetryingNotifierTest, PermanentErrorsAreNotRetried) {
  for (const Status& permanent :
       {Status::InvalidArgument("HTTP 400"), Status::FailedPrecondition("HTTP 302"),
        Status::PermissionDenied("HTTP 403"), Status::Internal("curl")}) {
    ScriptedNotifier inner({permanent});
    Harness harness;
    RetryingNotifier retrying(inner, RetryPolicy{}, harness.clock, harness.sleeper(), MaxJitter);
    EXPECT_EQ(retrying.Send({}).code(), permanent.code());
    EXPECT_EQ(inner.calls(), 1);
    EXPECT_TRUE(harness.waits.empty());
  }
}

TEST(RetryingNotifierTest, BackoffDoublesUpToTheCapAndStopsAtMaxAttempts) {
  ScriptedNotifier inner(std::deque<Status>(10, Status::Unavailable("down")));
  Harness harness;
  RetryingNotifier retrying(inner, RetryPolicy{6, 100, 500, 1'000'000}, harness.clock,
                            harness.sleeper(), MaxJitter);
  const Status status = retrying.Send({});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("gave up after 6 attempts"), std::string::npos);
  EXPECT_EQ(inner.calls(), 6);
  EXPECT_EQ(harness.waits, (std::vector<TimeMs>{100, 200, 400, 500, 500}));
}

TEST(RetryingNotifierTest, StopsWhenTheNextWaitWouldExceedTheTimeBudget) {
  ScriptedNotifier inner(std::deque<Status>(10, Status::Unavailable("down")));
  Harness harness;
  RetryingNotifier retrying(inner, RetryPolicy{10, 1'000, 60'000, 2'500}, harness.clock,
                            harness.sleeper(), MaxJitter);
  const Status status = retrying.Send({});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("retry budget"), std::string::npos) << status.message();
  // 1000 fits (t=1000), 2000 would end at 3000 > 2500.
  EXPECT_EQ(harness.waits, (std::vector<TimeMs>{1'000}));
  EXPECT_EQ(inner.calls(), 2);
}

TEST(RetryingNotifierTest, FullJitterStaysWithinTheCeiling) {
  ScriptedNotifier inner(std::deque<Status>(8, Status::Unavailable("down")));
  Harness harness;
  RetryingNotifier retrying(inner, RetryPolicy{9, 100, 1'600, 1'000'000}, harness.clock,
                            harness.sleeper(), RandomJitter());
  EXPECT_TRUE(retrying.Send({}).ok());
  ASSERT_EQ(harness.waits.size(), 8u);
  TimeMs ceiling = 100;
  for (TimeMs wait : harness.waits) {
    EXPECT_GE(wait, 0);
    EXPECT_LE(wait, ceiling);
    ceiling = std::min<TimeMs>(ceiling * 2, 1'600);
  }
}

TEST(RandomJitterTest, DrawsAcrossTheWholeRange) {
  const JitterSource jitter = RandomJitter();
  TimeMs low = 1'000, high = 0;
  for (int draw = 0; draw < 2'000; ++draw) {
    const TimeMs value = jitter(1'000);
    ASSERT_GE(value, 0);
    ASSERT_LE(value, 1'000);
    low = std::min(low, value);
    high = std::max(high, value);
  }
  // With 2000 uniform draws, missing the bottom or top 10% has probability ~1e-91.
  EXPECT_LT(low, 100);
  EXPECT_GT(high, 900);
  EXPECT_EQ(jitter(0), 0);
}

}  // namespace
}  // namespace vakt::notify
