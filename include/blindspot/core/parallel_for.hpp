#pragma once

#include <cstddef>
#include <functional>

namespace blindspot::core {

// Number of threads to use for `requested` (0 or less = every core the machine has).
int resolve_thread_count(int requested) noexcept;

// Calls work(begin, end) over contiguous chunks that together cover [0, count), on up to
// `threads` threads (0 = all cores). Chunks are fixed by count and thread count only, so
// results written by index are the same whatever the scheduling. The first exception thrown
// by any chunk is rethrown on the caller's thread after all threads have joined.
void parallel_for(std::size_t count, int threads, const std::function<void(std::size_t begin, std::size_t end)>& work);

}  // namespace blindspot::core
