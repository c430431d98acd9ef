#pragma once

#include <cstdint>
#include <string>

#include "audit/audit_leaf_store.h"
#include "audit/merkle.h"
#include "audit/signed_note.h"

namespace vakt::audit {

// PublicKey is what an auditor holds to check a log: the checkpoint verifier key.
using PublicKey = NoteVerifier;

struct VerifyOptions {
  std::string origin;          // when non-empty, every checkpoint must name this origin
  std::uint64_t batch = 4096;  // leaves read per store call
  // full_records parses every record and checks it is canonical (about 4 µs a leaf). When false
  // only seq and time are read from the canonical bytes by a fast scan; hashes, seq order and
  // checkpoints are checked all the same. docs/bench/audit.md has the cost of each.
  bool full_records = true;
};

// VerifyReport summarises a log that verified.
struct VerifyReport {
  std::uint64_t size = 0;
  Hash root{};
  std::uint64_t checkpoints = 0;
  std::uint64_t last_checkpoint_size = 0;
  bool signatures_checked = true;
};

// VerifyLog recomputes the whole log from its stored leaves, streaming (O(log n) memory), and
// checks every stored checkpoint's signature and root. On the first problem it returns
// Corruption naming the entry (seq) or checkpoint: a record whose bytes do not hash to the
// stored leaf hash (a flipped byte), a missing seq (a removed leaf), a record whose own seq
// differs from its position (reordered), a record not in canonical form, time going backwards,
// a checkpoint whose signature fails or whose root differs from the recomputed one (a leaf in
// the range it covers was rewritten together with its hash), checkpoints whose sizes decrease,
// or a log shorter than its last checkpoint (rollback). Store errors are returned as they are.
Result<VerifyReport> VerifyLog(AuditLeafStore& store, const PublicKey& key,
                               const VerifyOptions& options = {});
// VerifyLog with `key` null checks everything above except the checkpoint signatures (for an
// auditor who has the database but not yet the public key); report.signatures_checked says so.
Result<VerifyReport> VerifyLog(AuditLeafStore& store, const PublicKey* key,
                               const VerifyOptions& options = {});

}  // namespace vakt::audit
