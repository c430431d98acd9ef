#pragma once

#include <vector>

namespace vakt::diagnose {

// SortDoubles sorts NaN-free doubles ascending with an LSD radix sort on their IEEE bit
// patterns (order-preserving key transform): linear time, which matters for million-row
// columns. -0.0 sorts just before +0.0, which compare equal, so the result is also sorted by
// operator<. Thread-safe (no shared state).
void SortDoubles(std::vector<double>& values);

}  // namespace vakt::diagnose
