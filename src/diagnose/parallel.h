#pragma once

#include <cstddef>
#include <functional>

namespace vakt::diagnose {

// ParallelFor runs body(i) for i in [0, count) on up to `threads` std::threads (0 = hardware
// concurrency), handing out indices dynamically so uneven items balance. Returns after every
// call finished. `body` must be safe to call concurrently for distinct i.
void ParallelFor(size_t count, unsigned threads, const std::function<void(size_t)>& body);

}  // namespace vakt::diagnose
