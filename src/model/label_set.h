#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace vakt {

// LabelSet is an alert's identity: label name → value, ordered by name (the order fingerprints
// and canonical JSON need). Empty values are never stored (Alertmanager drops them).
using LabelSet = std::map<std::string, std::string, std::less<>>;

// Fingerprint is Alertmanager's model.Fingerprint: 64-bit FNV-1a over "name\xffvalue\xff" for the
// labels sorted by name. Identical to what Alertmanager 0.25 reports for the same labels.
std::uint64_t Fingerprint(const LabelSet& labels);

// FingerprintHex prints a fingerprint as 16 lowercase hex digits, as Alertmanager does.
std::string FingerprintHex(std::uint64_t fingerprint);

// LabelValue returns the value of `name`, or "" when absent (Alertmanager matcher semantics).
std::string_view LabelValue(const LabelSet& labels, std::string_view name);

}  // namespace vakt
