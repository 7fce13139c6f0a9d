#include "active_time.hpp"

#include <algorithm>

namespace blindspot::web {

double active_gap_seconds(double previous_unix, double now_unix, double idle_cutoff_seconds) noexcept {
  return std::clamp(now_unix - previous_unix, 0.0, std::max(idle_cutoff_seconds, 0.0));
}

double active_seconds(const std::vector<double>& event_times_unix, double idle_cutoff_seconds) noexcept {
  double total = 0;
  for (std::size_t i = 1; i < event_times_unix.size(); ++i) {
    total += active_gap_seconds(event_times_unix[i - 1], event_times_unix[i], idle_cutoff_seconds);
  }
  return total;
}

}  // namespace blindspot::web
