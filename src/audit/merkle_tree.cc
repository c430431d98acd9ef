#include "audit/merkle_tree.h"

#include <bit>
#include <string>

namespace vakt::audit {

void MerkleTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // A node completes whenever its level gains an even count; carry upwards like a binary add.
  for (size_t height = 0; levels_[height].size() % 2 == 0; ++height) {
    if (height + 1 == levels_.size()) levels_.emplace_back();
    const auto& level = levels_[height];
    const Hash parent = HashChildren(level[level.size() - 2], level.back());
    levels_[height + 1].push_back(parent);
  }
}

Hash MerkleTree::RangeHash(std::uint64_t begin, std::uint64_t end) const {
  const std::uint64_t count = end - begin;
  if (count == 0) return EmptyRoot();
  if (std::has_single_bit(count)) {
    const auto height = static_cast<size_t>(std::countr_zero(count));
    return levels_[height][begin >> height];
  }
  const std::uint64_t split = LargestPowerOfTwoBelow(count);
  return HashChildren(RangeHash(begin, begin + split), RangeHash(begin + split, end));
}

Result<Hash> MerkleTree::RootAt(std::uint64_t tree_size) const {
  if (tree_size > size()) {
    return Status::InvalidArgument("tree size " + std::to_string(tree_size) + " exceeds log size " +
                                   std::to_string(size()));
  }
  return RangeHash(0, tree_size);
}

Result<std::vector<Hash>> MerkleTree::InclusionProof(std::uint64_t index,
                                                     std::uint64_t tree_size) const {
  if (tree_size > size()) {
    return Status::InvalidArgument("tree size " + std::to_string(tree_size) + " exceeds log size " +
                                   std::to_string(size()));
  }
  return InclusionProofFor(
      [this](std::uint64_t begin, std::uint64_t end) { return RangeHash(begin, end); }, index,
      tree_size);
}

Result<std::vector<Hash>> MerkleTree::ConsistencyProof(std::uint64_t old_size,
                                                       std::uint64_t new_size) const {
  if (new_size > size()) {
    return Status::InvalidArgument("tree size " + std::to_string(new_size) + " exceeds log size " +
                                   std::to_string(size()));
  }
  return ConsistencyProofFor(
      [this](std::uint64_t begin, std::uint64_t end) { return RangeHash(begin, end); }, old_size,
      new_size);
}

}  // namespace vakt::audit
