#include "retro/retro_catch_up.h"

#include <spdlog/spdlog.h>

namespace vakt::retro {

RetroCatchUp::RetroCatchUp(RetroService& retros, std::chrono::milliseconds interval)
    : retros_(retros), interval_(interval) {}

RetroCatchUp::~RetroCatchUp() { Stop(); }

void RetroCatchUp::Start() {
  std::lock_guard lock(mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] {
    std::unique_lock held(mu_);
    while (!stopping_) {
      held.unlock();
      auto opened = retros_.OpenPending(100);
      if (!opened.ok()) {
        spdlog::warn("retro catch-up: {}", opened.status().ToString());
      } else if (*opened > 0) {
        spdlog::info("retro catch-up: opened {} retros of incidents resolved before a restart",
                     *opened);
      }
      held.lock();
      wake_.wait_for(held, interval_, [this] { return stopping_; });
    }
  });
}

void RetroCatchUp::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

}  // namespace vakt::retro
