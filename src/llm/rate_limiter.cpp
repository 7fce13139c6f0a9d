#include "rate_limiter.hpp"

#include <algorithm>
#include <thread>

namespace blindspot::llm::detail {

RateLimiter::RateLimiter(double rate_per_minute, double burst)
    : rate_per_second_(rate_per_minute / 60.0), burst_(burst), level_(burst), updated_(Clock::now()) {}

void RateLimiter::refill(Clock::time_point now) {
  const double elapsed = std::chrono::duration<double>(now - updated_).count();
  level_ = std::min(burst_, level_ + elapsed * rate_per_second_);
  updated_ = now;
}

void RateLimiter::acquire(double amount) {
  double wait_seconds = 0;
  {
    const std::lock_guard lock(mutex_);
    refill(Clock::now());
    const double needed = std::min(amount, burst_);
    if (level_ < needed) wait_seconds = (needed - level_) / rate_per_second_;
    level_ -= amount;
  }
  if (wait_seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait_seconds));
}

void RateLimiter::adjust(double extra_amount) {
  const std::lock_guard lock(mutex_);
  refill(Clock::now());
  level_ = std::min(burst_, level_ - extra_amount);
}

}  // namespace blindspot::llm::detail
