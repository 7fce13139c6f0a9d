#include "blindspot/core/parallel_for.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace blindspot::core {

int resolve_thread_count(int requested) noexcept {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

void parallel_for(std::size_t count, int threads, const std::function<void(std::size_t begin, std::size_t end)>& work) {
  if (count == 0) return;
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(resolve_thread_count(threads)), count);
  if (workers == 1) {
    work(0, count);
    return;
  }
  std::exception_ptr first_error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  pool.reserve(workers);
  const std::size_t chunk = (count + workers - 1) / workers;
  for (std::size_t begin = 0; begin < count; begin += chunk) {
    const std::size_t end = std::min(count, begin + chunk);
    pool.emplace_back([&, begin, end] {
      try {
        work(begin, end);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
      }
    });
  }
  for (auto& thread : pool) thread.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace blindspot::core
