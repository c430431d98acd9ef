#pragma once

#include <string>

#include "common/status.h"
#include "model/label_set.h"

namespace vakt::storage {

// Label sets are stored as canonical JSON objects (keys sorted), identical on both engines.
std::string EncodeLabels(const LabelSet& labels);
Result<LabelSet> DecodeLabels(const std::string& json);

// Fingerprints are unsigned 64-bit; both engines store them as signed BIGINT with the same bits.
inline long long FingerprintToSql(std::uint64_t fingerprint) {
  return static_cast<long long>(fingerprint);
}
inline std::uint64_t FingerprintFromSql(long long value) {
  return static_cast<std::uint64_t>(value);
}

}  // namespace vakt::storage
