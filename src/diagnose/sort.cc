#include "diagnose/sort.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <memory>

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

// ScratchBuffer is a per-thread, grow-only, uninitialised buffer. A fresh std::vector per sort
// costs a zero-fill and, above glibc's mmap threshold, page faults on every call; for a
// 200k-row column those were as expensive as the radix passes themselves.
class ScratchBuffer {
 public:
  uint64_t* Get(size_t n) {
    if (n > capacity_) {
      data_.reset(new uint64_t[n]);  // NOLINT: deliberately uninitialised
      capacity_ = n;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<uint64_t[]> data_;
  size_t capacity_ = 0;
};

}  // namespace

void SortDoubles(std::vector<double>& values) {
  const size_t n = values.size();
  if (n < kSmallSort) {
    std::sort(values.begin(), values.end());
    return;
  }
  std::array<std::array<size_t, kBuckets>, kPasses> histograms{};
  for (double value : values) {
    const uint64_t key = ToKey(value);
    for (int pass = 0; pass < kPasses; ++pass) {
      ++histograms[pass][(key >> (pass * kRadixBits)) & (kBuckets - 1)];
    }
  }
  // A pass where every key falls in one bucket would only copy; skip it.
  std::array<int, kPasses> active{};
  int active_count = 0;
  for (int pass = 0; pass < kPasses; ++pass) {
    auto& histogram = histograms[pass];
    if (std::any_of(histogram.begin(), histogram.end(), [n](size_t c) { return c == n; })) {
      continue;
    }
    size_t offset = 0;
    for (size_t& count : histogram) {
      const size_t c = count;
      count = offset;
      offset += c;
    }
    active[active_count++] = pass;
  }
  if (active_count == 0) return;  // every value has the same bits: already sorted

  thread_local ScratchBuffer buffer_a;
  thread_local ScratchBuffer buffer_b;
  uint64_t* a = buffer_a.Get(n);
  uint64_t* b = buffer_b.Get(n);
  // The first pass reads the doubles and converts on the fly, the last one converts back while
  // scattering into `values`, so no separate key/convert sweeps are needed.
  {
    const int shift = active[0] * kRadixBits;
    auto& histogram = histograms[active[0]];
    for (double value : values) {
      const uint64_t key = ToKey(value);
      a[histogram[(key >> shift) & (kBuckets - 1)]++] = key;
    }
  }
  for (int t = 1; t < active_count; ++t) {
    const int shift = active[t] * kRadixBits;
    auto& histogram = histograms[active[t]];
    if (t + 1 == active_count) {
      double* out = values.data();
      for (size_t i = 0; i < n; ++i) {
        const uint64_t key = a[i];
        out[histogram[(key >> shift) & (kBuckets - 1)]++] = FromKey(key);
      }
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint64_t key = a[i];
      b[histogram[(key >> shift) & (kBuckets - 1)]++] = key;
    }
    std::swap(a, b);
  }
  // Only one pass was needed: its output is in `a`.
  for (size_t i = 0; i < n; ++i) values[i] = FromKey(a[i]);
}

}  // namespace vakt::diagnose
