#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace vakt {

// Timestamps are Unix time in milliseconds throughout vakt: one unit, no time-zone ambiguity.
using TimeMs = std::int64_t;

// Clock is the one seam through which code learns the time, so timers and tests can run on a
// FakeClock. Implementations are safe for concurrent use.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs NowMs() const = 0;
};

// SystemClock reads the wall clock.
class SystemClock final : public Clock {
 public:
  TimeMs NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // Default returns a process-wide instance.
  static const SystemClock& Default() {
    static const SystemClock clock;
    return clock;
  }
};

// FakeClock only moves when told to; thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimeMs start = 1'700'000'000'000) : now_(start) {}
  TimeMs NowMs() const override { return now_.load(); }
  void Set(TimeMs now) { now_.store(now); }
  void Advance(TimeMs delta) { now_.fetch_add(delta); }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace vakt
