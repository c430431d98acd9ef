#include "notify/retrying_notifier.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "common/crypto.h"

namespace vakt::notify {

Sleeper RealSleeper() {
  return [](TimeMs ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
}

JitterSource RandomJitter() {
  return [](TimeMs upper) -> TimeMs {
    thread_local std::mt19937_64 generator = [] {
      std::uint64_t seed = 0;
      const std::string bytes = RandomBytes(sizeof(seed));
      std::memcpy(&seed, bytes.data(), sizeof(seed));
      return std::mt19937_64(seed);
    }();
    if (upper <= 0) return 0;
    return std::uniform_int_distribution<TimeMs>(0, upper)(generator);
  };
}

RetryingNotifier::RetryingNotifier(Notifier& inner, RetryPolicy policy, const Clock& clock,
                                   Sleeper sleeper, JitterSource jitter)
    : inner_(inner),
      policy_(policy),
      clock_(clock),
      sleeper_(std::move(sleeper)),
      jitter_(std::move(jitter)) {}

Status RetryingNotifier::Send(const Notification& notification) {
  const TimeMs start = clock_.NowMs();
  const int max_attempts = std::max(1, policy_.max_attempts);
  TimeMs ceiling = std::max<TimeMs>(0, policy_.initial_backoff_ms);
  for (int attempt = 1;; ++attempt) {
    Status status = inner_.Send(notification);
    if (status.ok() || status.code() != StatusCode::kUnavailable) return status;
    if (attempt >= max_attempts) {
      return status.WithContext("gave up after " + std::to_string(attempt) + " attempts");
    }
    const TimeMs wait = std::clamp<TimeMs>(jitter_(std::min(ceiling, policy_.max_backoff_ms)), 0,
                                           policy_.max_backoff_ms);
    if (clock_.NowMs() - start + wait > policy_.max_total_ms) {
      return status.WithContext("retry budget of " + std::to_string(policy_.max_total_ms) +
                                "ms spent after " + std::to_string(attempt) + " attempts");
    }
    sleeper_(wait);
    // Doubling stops at the cap, so it cannot overflow however many attempts are allowed.
    ceiling = std::min(ceiling * 2, std::max<TimeMs>(policy_.max_backoff_ms, 1));
  }
}

}  // namespace vakt::notify
