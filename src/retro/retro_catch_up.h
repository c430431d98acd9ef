#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "retro/retro_service.h"

namespace vakt::retro {

// RetroCatchUp opens, at start and then every `interval`, the retros of resolved incidents that
// have none: those whose instance stopped between storing the resolve and running the
// resolve hook. With the hook it makes "a retro opens when the incident resolves" hold across
// crashes and on every instance sharing the database.
class RetroCatchUp {
 public:
  RetroCatchUp(RetroService& retros, std::chrono::milliseconds interval);
  ~RetroCatchUp();
  RetroCatchUp(const RetroCatchUp&) = delete;
  RetroCatchUp& operator=(const RetroCatchUp&) = delete;

  void Start();
  void Stop();

 private:
  RetroService& retros_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread worker_;
};

}  // namespace vakt::retro
