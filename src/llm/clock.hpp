#pragma once

#include "blindspot/llm/clock.hpp"

namespace blindspot::llm::detail {

// The llm module's own name for the timing clock (RateLimiter, Backoff).
using Clock = TimingClock;

}  // namespace blindspot::llm::detail
