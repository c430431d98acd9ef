#include "api/evidence_retention_sweeper.h"

#include <spdlog/spdlog.h>

namespace vakt::api {

EvidenceRetentionSweeper::EvidenceRetentionSweeper(EvidenceRoutesContext context,
                                                   EvidenceSweepOptions options)
    : context_(std::move(context)),
      options_(std::move(options)),
      task_(options_.interval, [this] { Sweep(); }) {}

EvidenceRetentionSweeper::~EvidenceRetentionSweeper() { Stop(); }

void EvidenceRetentionSweeper::Start() { task_.Start(); }

void EvidenceRetentionSweeper::Stop() { task_.Stop(); }

void EvidenceRetentionSweeper::Sweep() {
  auto report =
      storage::SweepEvidenceRetention(*context_.database, context_.evidence->blobs(),
                                      context_.classes, options_.actor, context_.clock->NowMs());
  if (!report.ok()) {
    spdlog::warn("evidence retention sweep: {}", report.status().ToString());
  } else if (!report->purged.empty()) {
    spdlog::info("evidence retention sweep: purged {} blob(s), kept {}", report->purged.size(),
                 report->kept.size());
  }
}

}  // namespace vakt::api
