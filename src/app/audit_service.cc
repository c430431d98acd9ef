#include "app/audit_service.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "audit/key_file.h"

namespace vakt::app {

AuditService::AuditService(AuditServiceOptions options) : options_(std::move(options)) {}

AuditService::~AuditService() { Stop(); }

Result<std::unique_ptr<AuditService>> AuditService::Create(storage::Database& database,
                                                           const Clock& clock,
                                                           AuditServiceOptions options) {
  std::unique_ptr<AuditService> service(new AuditService(std::move(options)));
  std::error_code error;
  std::filesystem::create_directories(service->options_.data_dir, error);
  const std::string key_path =
      (std::filesystem::path(service->options_.data_dir) / "audit.key").string();
  auto signer = audit::LoadOrCreateSignerKeyFile(key_path, service->options_.origin);
  if (!signer.ok()) return signer.status().WithContext("audit signing key");
  service->signer_ = std::make_unique<audit::NoteSigner>(std::move(*signer));
  service->store_ = std::make_unique<storage::SqlAuditLeafStore>(database);
  VAKT_ASSIGN_OR_RETURN(service->log_,
                        audit::AuditLog::Open(*service->store_, clock, *service->signer_,
                                              service->options_.origin));
  // The public key only: the signer key is a secret and never reaches the log.
  spdlog::info("audit log {} opened at size {}; checkpoint key {}", service->options_.origin,
               service->log_->size(), service->signer_->verifier().VerifierKey());
  return service;
}

void AuditService::Start() {
  std::lock_guard lock(mu_);
  if (timer_.joinable() || stopping_) return;
  timer_ = std::thread([this] { CheckpointLoop(); });
}

void AuditService::CheckpointLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.checkpoint_interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    auto note = log_->CurrentCheckpoint();
    if (!note.ok()) spdlog::error("audit checkpoint: {}", note.status().ToString());
    lock.lock();
  }
}

void AuditService::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  if (log_) {
    auto note = log_->CurrentCheckpoint();
    if (!note.ok()) spdlog::error("audit checkpoint at shutdown: {}", note.status().ToString());
  }
}

}  // namespace vakt::app
