#pragma once

#include <cstdint>
#include <vector>

#include "audit/merkle.h"
#include "common/status.h"

namespace vakt::audit {

// MerkleTree keeps every complete node of an append-only RFC 6962 tree in memory (about 2n
// hashes: 64 MiB per million leaves), so that appending is amortised O(1), the root at any size
// O(log n) and any inclusion or consistency proof O(log² n) worst case. AuditLog rebuilds one
// from the stored leaf hashes when it opens.
// Not thread-safe; AuditLog serializes access.
class MerkleTree {
 public:
  MerkleTree() = default;

  void Append(const Hash& leaf_hash);
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  // LeafHash returns the hash at index. REQUIRES: index < size().
  const Hash& LeafHash(std::uint64_t index) const { return levels_[0][index]; }

  Hash Root() const { return RangeHash(0, size()); }
  // RootAt returns MTH of the first `tree_size` leaves; InvalidArgument if beyond size().
  Result<Hash> RootAt(std::uint64_t tree_size) const;
  Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t tree_size) const;
  Result<std::vector<Hash>> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size) const;

 private:
  // RangeHash returns MTH(D[begin:end]) for ranges the RFC recursion visits: begin is a multiple
  // of the smallest power of two >= end - begin, so every perfect part is a stored node.
  Hash RangeHash(std::uint64_t begin, std::uint64_t end) const;

  // levels_[h][i] = MTH(D[i*2^h : (i+1)*2^h]) for every complete node.
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace vakt::audit
