#include "audit/compact_range.h"

namespace vakt::audit {

void CompactRange::Append(const Hash& leaf_hash) {
  peaks_.push_back(leaf_hash);
  // Each trailing one bit of the old size is a peak of the same height as the new one: merge.
  for (std::uint64_t bits = size_; (bits & 1) != 0; bits >>= 1) {
    Hash right = peaks_.back();
    peaks_.pop_back();
    peaks_.back() = HashChildren(peaks_.back(), right);
  }
  ++size_;
}

Hash CompactRange::Root() const {
  if (peaks_.empty()) return EmptyRoot();
  Hash root = peaks_.back();
  for (auto it = peaks_.rbegin() + 1; it != peaks_.rend(); ++it) root = HashChildren(*it, root);
  return root;
}

}  // namespace vakt::audit
