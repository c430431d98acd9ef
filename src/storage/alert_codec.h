#pragma once

#include <string>

#include "common/status.h"
#include "model/alert.h"
#include "model/label_set.h"

namespace vakt::storage {

// Label sets are stored as canonical JSON objects (keys sorted), identical on both engines.
std::string EncodeLabels(const LabelSet& labels);
Result<LabelSet> DecodeLabels(const std::string& json);

// AlertColumns is one `alerts` row as any engine reads it (fingerprint, labels, annotations,
// starts_at, ends_at, updated_at, generator_url, source, dedup_key).
struct AlertColumns {
  long long fingerprint = 0;
  std::string labels;
  std::string annotations;
  long long starts_at = 0;
  long long ends_at = 0;
  long long updated_at = 0;
  std::string generator_url;
  std::string source;
  std::string dedup_key;
};

// DecodeAlert turns a stored row into an Alert; Corruption when its label JSON is damaged.
Result<Alert> DecodeAlert(AlertColumns columns);

// Fingerprints are unsigned 64-bit; both engines store them as signed BIGINT with the same bits.
inline long long FingerprintToSql(std::uint64_t fingerprint) {
  return static_cast<long long>(fingerprint);
}
inline std::uint64_t FingerprintFromSql(long long value) {
  return static_cast<std::uint64_t>(value);
}

}  // namespace vakt::storage
