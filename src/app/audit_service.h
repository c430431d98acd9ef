#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/audit_log.h"
#include "audit/signed_note.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql_audit_leaf_store.h"

namespace vakt::app {

struct AuditServiceOptions {
  std::string data_dir;                    // the signing key lives at data_dir/audit.key
  std::string origin = "vakt.local/audit";  // names the log in checkpoints and the key
  std::chrono::milliseconds checkpoint_interval{60'000};
};

// AuditService is the server's side of the tamper-evident log: it owns the checkpoint signing
// key (created 0600 on first start, never logged), the SQL leaf store and the AuditLog that
// follows the leaves every store appends in its own transactions, and it signs a checkpoint
// every checkpoint_interval (when the tree grew) and once more at Stop.
// Thread-safe; Start/Stop from one thread.
class AuditService {
 public:
  // Create loads or creates the signing key and opens the log (recomputing every stored leaf
  // hash). PermissionDenied for a key file others may read; Corruption for a damaged log.
  // `database` and `clock` must outlive the service.
  static Result<std::unique_ptr<AuditService>> Create(storage::Database& database,
                                                      const Clock& clock,
                                                      AuditServiceOptions options);
  ~AuditService();

  void Start();
  // Stop ends the timer and signs a last checkpoint if the tree grew.
  void Stop();

  storage::SqlAuditLeafStore& store() { return *store_; }
  audit::AuditLog& log() { return *log_; }
  const audit::NoteVerifier& public_key() const { return signer_->verifier(); }
  const std::string& origin() const { return options_.origin; }

 private:
  explicit AuditService(AuditServiceOptions options);
  void CheckpointLoop();

  const AuditServiceOptions options_;
  std::unique_ptr<audit::NoteSigner> signer_;
  std::unique_ptr<storage::SqlAuditLeafStore> store_;
  std::unique_ptr<audit::AuditLog> log_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread timer_;
};

}  // namespace vakt::app
