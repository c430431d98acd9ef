#include "diagnose/sort.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace vakt::diagnose {
namespace {

constexpr size_t kSmallSort = 256;  // below this std::sort beats the radix passes
constexpr int kRadixBits = 11;
constexpr int kPasses = 6;  // 6 x 11 bits >= 64
constexpr size_t kBuckets = size_t{1} << kRadixBits;

uint64_t ToKey(double value) {
  const uint64_t bits = std::bit_cast<uint64_t>(value);
  // Negative numbers: flip all bits; positive: flip the sign bit. Unsigned order = numeric order.
  return (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
}

double FromKey(uint64_t key) {
  const uint64_t bits = (key & (uint64_t{1} << 63)) ? key & ~(uint64_t{1} << 63) : ~key;
  return std::bit_cast<double>(bits);
}

}  // namespace

void SortDoubles(std::vector<double>& values) {
  if (values.size() < kSmallSort) {
    std::sort(values.begin(), values.end());
    return;
  }
  std::vector<uint64_t> keys(values.size());
  std::vector<uint64_t> scratch(values.size());
  std::array<std::array<size_t, kBuckets>, kPasses> histograms{};
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t key = ToKey(values[i]);
    keys[i] = key;
    for (int pass = 0; pass < kPasses; ++pass) {
      ++histograms[pass][(key >> (pass * kRadixBits)) & (kBuckets - 1)];
    }
  }
  for (int pass = 0; pass < kPasses; ++pass) {
    auto& histogram = histograms[pass];
    // A pass where every key falls in one bucket would only copy; skip it.
    if (std::any_of(histogram.begin(), histogram.end(),
                    [&](size_t c) { return c == values.size(); })) {
      continue;
    }
    size_t offset = 0;
    for (size_t& count : histogram) {
      const size_t c = count;
      count = offset;
      offset += c;
    }
    const int shift = pass * kRadixBits;
    for (uint64_t key : keys) scratch[histogram[(key >> shift) & (kBuckets - 1)]++] = key;
    keys.swap(scratch);
  }
  for (size_t i = 0; i < values.size(); ++i) values[i] = FromKey(keys[i]);
}

}  // namespace vakt::diagnose
