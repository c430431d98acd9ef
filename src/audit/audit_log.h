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
// Other writers may append to the same store (the server's stores append leaves inside their
// own SQL transactions, other vakt instances share the database): before it appends, signs a
// checkpoint or serves a proof beyond its tree, the log catches up by reading the newer leaves,
// checking that their seq continues its tree and recomputing each leaf hash from the bytes.
// Thread-safe: appends, checkpoints and proofs are serialized by one mutex. If another writer
// appends between the catch-up and the store commit, the append fails with FailedPrecondition
// and nothing is written (the log never forks).
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

  // CatchUp adds the leaves other writers stored beyond this tree. Corruption naming the seq
  // when a stored leaf's seq does not continue the tree, its bytes do not hash to its stored
  // leaf hash, or its record is unreadable; store errors as they are.
  Status CatchUp();

  std::uint64_t size() const;
  Hash Root() const;
  // SignCheckpoint catches up, signs the current tree head, stores it and returns the signed
  // note.
  Result<std::string> SignCheckpoint();

  // CurrentCheckpoint catches up and returns the latest stored signed note when it covers the
  // whole tree; when the tree has grown since (or nothing was signed yet) it signs, stores and
  // returns a fresh one. This is what readers are served and what a periodic timer calls.
  Result<std::string> CurrentCheckpoint();

  // The proofs and RootAt catch up first when asked about a size beyond the current tree;
  // InvalidArgument when the size is beyond the stored log too.
  Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t tree_size);
  Result<std::vector<Hash>> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size);
  Result<Hash> RootAt(std::uint64_t tree_size);

 private:
  AuditLog(AuditLeafStore& store, const Clock& clock, const NoteSigner& signer,
           std::string origin);
  Status CatchUpLocked();                    // REQUIRES: mu_ held
  Result<std::string> SignCheckpointLocked();  // REQUIRES: mu_ held

  AuditLeafStore& store_;
  const Clock& clock_;
  const NoteSigner& signer_;
  const std::string origin_;

  mutable std::mutex mu_;
  MerkleTree tree_;     // GUARDED_BY(mu_)
  TimeMs last_time_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace vakt::audit
