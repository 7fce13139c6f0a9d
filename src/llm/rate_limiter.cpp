#include "rate_limiter.hpp"

#include <algorithm>
#include <utility>

namespace blindspot::llm::detail {

RateLimiter::RateLimiter(double rate_per_minute, double burst, Clock clock)
    : rate_per_second_(rate_per_minute / 60.0),
      burst_(burst),
      clock_(std::move(clock)),
      level_(burst),
      updated_(clock_.now()) {}

void RateLimiter::refill(Clock::TimePoint now) {
  const double elapsed = std::chrono::duration<double>(now - updated_).count();
  level_ = std::min(burst_, level_ + elapsed * rate_per_second_);
  updated_ = now;
}

void RateLimiter::acquire(double amount) {
  double wait_seconds = 0;
  {
    const std::lock_guard lock(mutex_);
    refill(clock_.now());
    const double needed = std::min(amount, burst_);
    if (level_ < needed) wait_seconds = (needed - level_) / rate_per_second_;
    level_ -= amount;
  }
  if (wait_seconds > 0) clock_.sleep_for(std::chrono::duration<double>(wait_seconds));
}

void RateLimiter::adjust(double extra_amount) {
  const std::lock_guard lock(mutex_);
  refill(clock_.now());
  level_ = std::min(burst_, level_ - extra_amount);
}

}  // namespace blindspot::llm::detail
