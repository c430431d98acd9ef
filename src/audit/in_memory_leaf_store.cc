#include "audit/in_memory_leaf_store.h"

#include <algorithm>
#include <string>

namespace vakt::audit {

Result<AuditLeaf> AuditLeafStore::ReadLeaf(std::uint64_t seq) {
  VAKT_ASSIGN_OR_RETURN(std::vector<AuditLeaf> leaves, ReadLeaves(seq, seq + 1));
  if (leaves.empty()) return Status::NotFound("no audit leaf with seq " + std::to_string(seq));
  return std::move(leaves.front());
}

Result<StoredCheckpoint> AuditLeafStore::LatestCheckpoint() {
  VAKT_ASSIGN_OR_RETURN(std::vector<StoredCheckpoint> checkpoints, ListCheckpoints());
  if (checkpoints.empty()) return Status::NotFound("no audit checkpoint has been signed yet");
  return std::move(checkpoints.back());
}

Status InMemoryLeafStore::AppendLeaves(std::span<const AuditLeaf> leaves) {
  std::lock_guard lock(mu_);
  const std::uint64_t size = leaves_.empty() ? 0 : leaves_.back().seq + 1;
  for (size_t pos = 0; pos < leaves.size(); ++pos) {
    if (leaves[pos].seq != size + pos) {
      return Status::FailedPrecondition("append at seq " + std::to_string(leaves[pos].seq) +
                                        " but the log ends at " + std::to_string(size + pos));
    }
  }
  leaves_.insert(leaves_.end(), leaves.begin(), leaves.end());
  return Status::Ok();
}

Result<std::vector<AuditLeaf>> InMemoryLeafStore::ReadLeaves(std::uint64_t begin,
                                                             std::uint64_t end) {
  std::lock_guard lock(mu_);
  auto first = std::lower_bound(leaves_.begin(), leaves_.end(), begin,
                                [](const AuditLeaf& leaf, std::uint64_t seq) { return leaf.seq < seq; });
  std::vector<AuditLeaf> out;
  for (auto it = first; it != leaves_.end() && it->seq < end; ++it) out.push_back(*it);
  return out;
}

Result<std::uint64_t> InMemoryLeafStore::Size() {
  std::lock_guard lock(mu_);
  return leaves_.empty() ? std::uint64_t{0} : leaves_.back().seq + 1;
}

Status InMemoryLeafStore::AppendCheckpoint(const StoredCheckpoint& checkpoint) {
  std::lock_guard lock(mu_);
  checkpoints_.push_back(checkpoint);
  return Status::Ok();
}

Result<std::vector<StoredCheckpoint>> InMemoryLeafStore::ListCheckpoints() {
  std::lock_guard lock(mu_);
  return checkpoints_;
}

}  // namespace vakt::audit
