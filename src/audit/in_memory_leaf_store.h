#pragma once

#include <mutex>
#include <vector>

#include "audit/audit_leaf_store.h"

namespace vakt::audit {

// InMemoryLeafStore is the reference AuditLeafStore for tests and benchmarks. Thread-safe (one
// mutex). The *ForTest hooks let tests tamper with "stored" data the way an attacker with
// database access could.
class InMemoryLeafStore final : public AuditLeafStore {
 public:
  Status AppendLeaves(std::span<const AuditLeaf> leaves) override;
  Result<std::vector<AuditLeaf>> ReadLeaves(std::uint64_t begin, std::uint64_t end) override;
  Result<std::uint64_t> Size() override;
  Status AppendCheckpoint(const StoredCheckpoint& checkpoint) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override;

  // MutableLeavesForTest exposes the rows (kept sorted by seq by the caller).
  std::vector<AuditLeaf>& MutableLeavesForTest() { return leaves_; }
  std::vector<StoredCheckpoint>& MutableCheckpointsForTest() { return checkpoints_; }

 private:
  std::mutex mu_;
  std::vector<AuditLeaf> leaves_;  // ascending seq; normally seq == position
  std::vector<StoredCheckpoint> checkpoints_;
};

}  // namespace vakt::audit
