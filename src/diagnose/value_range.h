#pragma once

#include <algorithm>
#include <initializer_list>
#include <span>

namespace vakt::diagnose {

// ValueRange is the smallest and the largest value of some samples.
struct ValueRange {
  double min = 0;
  double max = 0;
};

// PooledRange is the range of `a` and `b` together (`a` non-empty, both NaN-free) in one pass
// per sample. Four independent min/max lanes, written as plain comparisons, let the compiler
// keep them in vector registers; std::minmax_element's branch per value does not vectorise.
inline ValueRange PooledRange(std::span<const double> a, std::span<const double> b) {
  constexpr size_t kLanes = 4;
  double lo[kLanes];
  double hi[kLanes];
  for (size_t lane = 0; lane < kLanes; ++lane) lo[lane] = hi[lane] = a[0];
  for (std::span<const double> sample : {a, b}) {
    const size_t whole = sample.size() - sample.size() % kLanes;
    for (size_t i = 0; i < whole; i += kLanes) {
      for (size_t lane = 0; lane < kLanes; ++lane) {
        const double x = sample[i + lane];
        lo[lane] = x < lo[lane] ? x : lo[lane];
        hi[lane] = x > hi[lane] ? x : hi[lane];
      }
    }
    for (size_t i = whole; i < sample.size(); ++i) {
      lo[0] = std::min(lo[0], sample[i]);
      hi[0] = std::max(hi[0], sample[i]);
    }
  }
  return {std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3])),
          std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3]))};
}

}  // namespace vakt::diagnose
