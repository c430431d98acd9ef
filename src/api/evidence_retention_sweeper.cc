#include "api/evidence_retention_sweeper.h"

#include <spdlog/spdlog.h>

namespace vakt::api {

EvidenceRetentionSweeper::EvidenceRetentionSweeper(EvidenceRoutesContext context,
                                                   EvidenceSweepOptions options)
    : context_(std::move(context)), options_(std::move(options)) {}

EvidenceRetentionSweeper::~EvidenceRetentionSweeper() { Stop(); }

void EvidenceRetentionSweeper::Start() {
  if (options_.interval.count() <= 0 || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void EvidenceRetentionSweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EvidenceRetentionSweeper::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto report =
        storage::SweepEvidenceRetention(*context_.database, context_.evidence->blobs(),
                                        context_.classes, options_.actor, context_.clock->NowMs());
    if (!report.ok()) {
      spdlog::warn("evidence retention sweep: {}", report.status().ToString());
    } else if (!report->purged.empty()) {
      spdlog::info("evidence retention sweep: purged {} blob(s), kept {}", report->purged.size(),
                   report->kept.size());
    }
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace vakt::api
