#include "common/periodic_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace vakt {
namespace {

using namespace std::chrono_literals;

TEST(PeriodicTaskTest, TicksAtStartThenEveryIntervalAndStopsWithoutWaitingOutTheInterval) {
  std::atomic<int> ticks{0};
  PeriodicTask task(1h, [&] { ++ticks; });
  task.Start();
  for (int i = 0; i < 500 && ticks.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(ticks.load(), 1);  // the first tick runs at once; the next is an hour away
  const auto before = std::chrono::steady_clock::now();
  task.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  EXPECT_EQ(ticks.load(), 1);
}

TEST(PeriodicTaskTest, ShortIntervalsTickRepeatedlyAndStartAfterStopRunsAgain) {
  std::atomic<int> ticks{0};
  PeriodicTask task(5ms, [&] { ++ticks; });
  task.Start();
  for (int i = 0; i < 500 && ticks.load() < 3; ++i) std::this_thread::sleep_for(10ms);
  task.Stop();
  const int stopped_at = ticks.load();
  EXPECT_GE(stopped_at, 3);
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(ticks.load(), stopped_at);  // nothing runs after Stop returns
  task.Start();
  for (int i = 0; i < 500 && ticks.load() == stopped_at; ++i) std::this_thread::sleep_for(10ms);
  task.Stop();
  EXPECT_GT(ticks.load(), stopped_at);
}

TEST(PeriodicTaskTest, WakeRunsTheNextTickNowInsteadOfAfterTheInterval) {
  std::atomic<int> ticks{0};
  PeriodicTask task(1h, [&] { ++ticks; });
  task.Start();
  for (int i = 0; i < 500 && ticks.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(ticks.load(), 1);
  task.Wake();
  for (int i = 0; i < 500 && ticks.load() == 1; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(ticks.load(), 2);
  task.Stop();
}

TEST(PeriodicTaskTest, ANonPositiveIntervalNeverStarts) {
  std::atomic<int> ticks{0};
  PeriodicTask task(0ms, [&] { ++ticks; });
  task.Start();
  std::this_thread::sleep_for(30ms);
  task.Stop();
  EXPECT_EQ(ticks.load(), 0);
}

}  // namespace
}  // namespace vakt
