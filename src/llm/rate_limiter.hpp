#pragma once

#include "clock.hpp"

#include <chrono>
#include <mutex>

namespace blindspot::llm::detail {

// A token bucket that hands out future slots: acquire() takes its amount at once (the level may
// go negative, a debt later callers wait out) and sleeps until the bucket had enough. Callers are
// served in arrival order and never spin. Holds `burst` units at most and refills
// `rate_per_minute` units a minute; a burst of 1 spaces single units evenly (60/rate s apart).
class RateLimiter {
 public:
  RateLimiter(double rate_per_minute, double burst, Clock clock = Clock::steady());

  // Blocks until `amount` units may be used. An amount above the burst waits for a full bucket
  // and then goes into debt, so large requests are slowed but never starved.
  void acquire(double amount);
  // Corrects an earlier acquire() once the real amount is known (positive: used more).
  void adjust(double extra_amount);

 private:
  void refill(Clock::TimePoint now);

  double rate_per_second_;
  double burst_;
  Clock clock_;
  std::mutex mutex_;
  double level_;
  Clock::TimePoint updated_;
};

}  // namespace blindspot::llm::detail
