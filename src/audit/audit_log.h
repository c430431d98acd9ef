#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "audit/audit_leaf_store.h"
#include "audit/audit_record.h"
#include "audit/checkpoint.h"
#include "audit/merkle_tree.h"
#include "audit/signed_note.h"
#include "common/clock.h"

namespace vakt::audit {

// AuditLog appends audit events as leaves of an RFC 6962 Merkle tree held in an AuditLeafStore,
// signs checkpoints and serves inclusion and consistency proofs. It keeps every tree node in
// memory (rebuilt from the stored leaf hashes on Open) so proofs are O(log n).
// Thread-safe: appends, checkpoints and proofs are serialized by one mutex. Only one AuditLog
// may write a given store at a time; a second writer's append fails with FailedPrecondition.
class AuditLog {
 public:
  // Open loads the leaf hashes of `store` and rebuilds the tree. It trusts the stored hashes
  // (VerifyLog is the check); it fails with Corruption on a seq gap. `store`, `clock` and
  // `signer` must outlive the log. `origin` names the log in checkpoints, e.g.
  // "vakt.example.com/audit".
  static Result<std::unique_ptr<AuditLog>> Open(AuditLeafStore& store, const Clock& clock,
                                                const NoteSigner& signer, std::string origin);

  // Append records one event and returns its seq (== leaf index).
  Result<std::uint64_t> Append(const AuditEvent& event);
  // AppendBatch records events in one store transaction and returns the first seq.
  Result<std::uint64_t> AppendBatch(std::span<const AuditEvent> events);

  std::uint64_t size() const;
  Hash Root() const;
  // SignCheckpoint signs the current tree head, stores it and returns the signed note.
  Result<std::string> SignCheckpoint();

  Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t tree_size) const;
  Result<std::vector<Hash>> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size) const;
  Result<Hash> RootAt(std::uint64_t tree_size) const;

 private:
  AuditLog(AuditLeafStore& store, const Clock& clock, const NoteSigner& signer,
           std::string origin);

  AuditLeafStore& store_;
  const Clock& clock_;
  const NoteSigner& signer_;
  const std::string origin_;

  mutable std::mutex mu_;
  MerkleTree tree_;     // GUARDED_BY(mu_)
  TimeMs last_time_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace vakt::audit
