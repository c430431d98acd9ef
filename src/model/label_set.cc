#include "model/label_set.h"

#include <fmt/format.h>

namespace vakt {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;
constexpr unsigned char kSeparator = 0xff;

std::uint64_t FnvAdd(std::uint64_t hash, std::string_view text) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= kFnvPrime;
  }
  return hash;
}

std::uint64_t FnvAddByte(std::uint64_t hash, unsigned char byte) {
  hash ^= byte;
  return hash * kFnvPrime;
}

}  // namespace

std::uint64_t Fingerprint(const LabelSet& labels) {
  std::uint64_t hash = kFnvOffset;
  for (const auto& [name, value] : labels) {
    hash = FnvAdd(hash, name);
    hash = FnvAddByte(hash, kSeparator);
    hash = FnvAdd(hash, value);
    hash = FnvAddByte(hash, kSeparator);
  }
  return hash;
}

std::string FingerprintHex(std::uint64_t fingerprint) { return fmt::format("{:016x}", fingerprint); }

std::string_view LabelValue(const LabelSet& labels, std::string_view name) {
  auto found = labels.find(name);
  return found == labels.end() ? std::string_view() : std::string_view(found->second);
}

}  // namespace vakt
