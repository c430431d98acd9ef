#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace vakt {

// PeriodicTask runs `tick` on its own thread right after Start and then every `interval` until
// Stop, which wakes the wait at once (shutdown never waits out an interval). The background
// sweeps of `vakt serve` (regulatory warnings, drill schedules, evidence retention) share it.
// Start and Stop are called from one owner thread; Start after Stop starts again. A task whose
// interval is not positive never starts.
class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> tick);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();
  void Stop();
  // Wake runs the next tick now instead of at the end of the current wait (no-op when stopped).
  void Wake();

 private:
  void Loop();

  const std::chrono::milliseconds interval_;
  const std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  bool woken_ = false;     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace vakt
