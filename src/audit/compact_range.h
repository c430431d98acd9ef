#pragma once

#include <cstdint>
#include <vector>

#include "audit/merkle.h"

namespace vakt::audit {

// CompactRange is the incremental form of a Merkle tree over leaves [0, size): it keeps only the
// roots of the perfect subtrees that the binary decomposition of size names (one per set bit,
// largest first), so appending a leaf and computing the root are O(log n) time and the state is
// O(log n) memory. The offline verifier streams a whole log through one of these.
// Not thread-safe; confine to one thread or synchronize externally.
class CompactRange {
 public:
  CompactRange() = default;

  // Append adds the next leaf hash (not the leaf data).
  void Append(const Hash& leaf_hash);
  // Root returns MTH of all leaves appended so far (EmptyRoot() when none).
  Hash Root() const;
  std::uint64_t size() const { return size_; }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> peaks_;  // perfect subtree roots, left to right
};

}  // namespace vakt::audit
