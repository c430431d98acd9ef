#pragma once

#include <functional>

#include "common/clock.h"
#include "notify/notifier.h"

namespace vakt::notify {

// RetryPolicy bounds a RetryingNotifier both in attempts and in time.
struct RetryPolicy {
  int max_attempts = 5;
  TimeMs initial_backoff_ms = 500;
  TimeMs max_backoff_ms = 30'000;
  // Budget for attempts plus waits, measured on the Clock from the first attempt: a wait that
  // would end past it is not started.
  TimeMs max_total_ms = 120'000;
};

// Sleeper blocks for the given milliseconds; tests pass one that advances a FakeClock.
using Sleeper = std::function<void(TimeMs)>;
// JitterSource returns a uniformly random value in [0, upper].
using JitterSource = std::function<TimeMs(TimeMs upper)>;

// RealSleeper sleeps the calling thread.
Sleeper RealSleeper();
// RandomJitter draws from a per-thread generator seeded from the OS CSPRNG.
JitterSource RandomJitter();

// RetryingNotifier wraps a Notifier and retries Unavailable results only (the notifier.h
// contract), waiting "full jitter" backoff between attempts: uniform in
// [0, min(max_backoff, initial * 2^(attempt-1))], so many senders retrying after one outage do
// not arrive in lockstep. A permanent error (HTTP 4xx, a redirect, SMTP 5xx) returns at once.
// The last error is returned with its code kept, so a caller can switch to a fallback channel.
// Safe for concurrent Send calls if the inner notifier, sleeper and jitter source are.
class RetryingNotifier final : public Notifier {
 public:
  // `inner` and `clock` must outlive this object.
  RetryingNotifier(Notifier& inner, RetryPolicy policy, const Clock& clock,
                   Sleeper sleeper = RealSleeper(), JitterSource jitter = RandomJitter());

  Status Send(const Notification& notification) override;

 private:
  Notifier& inner_;
  const RetryPolicy policy_;
  const Clock& clock_;
  const Sleeper sleeper_;
  const JitterSource jitter_;
};

}  // namespace vakt::notify
