#pragma once

// AuditLeafStore is the storage seam of the audit log: the SQLite and PostgreSQL
// implementations live in src/storage/, an in-memory one in audit/in_memory_leaf_store.h.
// Stored format: docs/audit_log_format.md.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "audit/merkle.h"
#include "common/clock.h"
#include "common/status.h"

namespace vakt::audit {

// AuditLeaf is one stored leaf: its sequence number (== its leaf index), the canonical record
// bytes, and HashLeaf(data) as computed when it was appended.
struct AuditLeaf {
  std::uint64_t seq = 0;
  std::string data;
  Hash leaf_hash{};
};

// StoredCheckpoint is one signed tree head as stored: the tree size, when it was made, and the
// complete signed note (body and signature lines) exactly as signed.
struct StoredCheckpoint {
  std::uint64_t size = 0;
  TimeMs created_at = 0;
  std::string note;
};

// AuditLeafStore persists leaves and checkpoints append-only. Implementations must be safe for
// concurrent use; AuditLog serializes its own appends, and a verifier may read concurrently.
//
// Contract for implementations (the storage contract suite checks it):
//  - Nothing updates or deletes a leaf or checkpoint. There is no API for it.
//  - AppendLeaves is atomic (all or none, one transaction) and requires leaves[i].seq ==
//    Size() + i at commit time; otherwise FailedPrecondition and nothing is written (another
//    writer won the race). Unavailable for transient backend errors (the caller may retry).
//  - ReadLeaves(begin, end) returns the stored rows with begin <= seq < end in ascending seq
//    order, exactly as stored. It must NOT fill or renumber gaps: a missing row simply does not
//    appear, so the verifier can name it. end beyond Size() is fine.
//  - Size() is one plus the largest stored seq (0 when empty).
//  - ListCheckpoints() returns checkpoints in the order they were appended.
class AuditLeafStore {
 public:
  virtual ~AuditLeafStore() = default;

  virtual Status AppendLeaves(std::span<const AuditLeaf> leaves) = 0;
  virtual Result<std::vector<AuditLeaf>> ReadLeaves(std::uint64_t begin, std::uint64_t end) = 0;
  virtual Result<std::uint64_t> Size() = 0;
  virtual Status AppendCheckpoint(const StoredCheckpoint& checkpoint) = 0;
  virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints() = 0;

  // LatestCheckpoint returns the last appended checkpoint; NotFound when there is none. The
  // default reads ListCheckpoints(); stores with many checkpoints override it.
  virtual Result<StoredCheckpoint> LatestCheckpoint();

  // ReadLeaf returns the leaf with this seq; NotFound if absent.
  Result<AuditLeaf> ReadLeaf(std::uint64_t seq);
};

}  // namespace vakt::audit
