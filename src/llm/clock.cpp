#include "blindspot/llm/clock.hpp"

#include <thread>

namespace blindspot::llm {

TimingClock TimingClock::steady() {
  return {[] { return std::chrono::steady_clock::now(); },
          [](std::chrono::duration<double> duration) { std::this_thread::sleep_for(duration); }};
}

}  // namespace blindspot::llm
