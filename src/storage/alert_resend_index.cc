#include "storage/alert_resend_index.h"

#include <algorithm>
#include <string_view>

namespace vakt::storage {
namespace {

// 64-bit FNV-1a with a final avalanche (splitmix64), fed with length-prefixed fields so that
// moving bytes between neighbouring fields changes the hash.
class ContentHasher {
 public:
  void Add(std::string_view text) {
    AddLength(text.size());
    for (unsigned char byte : text) Mix(byte);
  }
  void AddLength(std::size_t length) {
    for (int shift = 0; shift < 64; shift += 8) Mix(static_cast<unsigned char>(length >> shift));
  }
  std::uint64_t Finish() const {
    std::uint64_t z = state_ + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  void Mix(unsigned char byte) {
    state_ ^= byte;
    state_ *= 0x100000001b3ULL;
  }
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

void AddLabels(ContentHasher& hasher, const LabelSet& labels) {
  hasher.AddLength(labels.size());
  for (const auto& [name, value] : labels) {
    hasher.Add(name);
    hasher.Add(value);
  }
}

}  // namespace

std::uint64_t AlertContentHash(const Alert& alert) {
  ContentHasher hasher;
  AddLabels(hasher, alert.labels);
  AddLabels(hasher, alert.annotations);
  hasher.Add(alert.generator_url);
  hasher.Add(AlertSourceName(alert.source));
  hasher.Add(alert.dedup_key);
  return hasher.Finish();
}

std::optional<AlertRowState> MergeResend(const AlertRowState& stored, const Alert& incoming,
                                         std::uint64_t incoming_hash) {
  // Whichever side the rule picks for labels, annotations, generator URL and source, the row's
  // content stays as stored only when the incoming content is the same. (An incoming alert
  // without a dedup key keeps the stored one; it hashes differently and takes the full upsert.)
  if (incoming_hash != stored.content_hash) return std::nullopt;
  const bool overlap = incoming.starts_at <= stored.ends_at && incoming.ends_at >= stored.starts_at;
  const bool take_new =
      incoming.updated_at >= stored.updated_at || incoming.starts_at > stored.ends_at;
  AlertRowState merged = stored;
  merged.starts_at = overlap ? std::min(stored.starts_at, incoming.starts_at) : incoming.starts_at;
  merged.occurrence_rev = overlap ? stored.occurrence_rev : stored.revision + 1;
  merged.ends_at = take_new ? incoming.ends_at : stored.ends_at;
  merged.updated_at = std::max(stored.updated_at, incoming.updated_at);
  merged.revision = stored.revision + 1;
  return merged;
}

const AlertRowState* AlertResendIndex::Find(std::uint64_t fingerprint) const {
  auto found = rows_.find(fingerprint);
  return found == rows_.end() ? nullptr : &found->second;
}

void AlertResendIndex::Put(std::uint64_t fingerprint, const AlertRowState& state) {
  auto found = rows_.find(fingerprint);
  if (found != rows_.end()) {
    found->second = state;
  } else if (rows_.size() < max_entries_) {
    rows_.emplace(fingerprint, state);
  }
}

}  // namespace vakt::storage
