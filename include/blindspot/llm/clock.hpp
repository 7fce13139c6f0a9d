#pragma once

#include <chrono>
#include <functional>

namespace blindspot::llm {

// The time source and the sleep of the timing helpers (RateLimiter, Backoff), injected so that
// their tests run on a fake clock and assert exact schedules instead of wall-time bounds.
// Both functions may be called from several threads at once.
struct TimingClock {
  using TimePoint = std::chrono::steady_clock::time_point;

  std::function<TimePoint()> now;
  std::function<void(std::chrono::duration<double>)> sleep_for;

  // The product's clock: std::chrono::steady_clock and std::this_thread::sleep_for.
  static TimingClock steady();
};

}  // namespace blindspot::llm
