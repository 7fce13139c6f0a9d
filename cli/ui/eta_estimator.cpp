#include "eta_estimator.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace blindspot::cli::ui {

std::optional<double> EtaEstimator::update(double elapsed_seconds, double fraction) {
  if (std::isnan(fraction) || std::isnan(elapsed_seconds)) return smoothed_;
  fraction = std::clamp(fraction, 0.0, 1.0);
  if (!has_base_) {
    has_base_ = true;
    base_seconds_ = elapsed_seconds;
    base_fraction_ = fraction;
    last_seconds_ = elapsed_seconds;
  }
  if (fraction >= 1.0) {
    smoothed_ = 0.0;
    return smoothed_;
  }
  const double worked_seconds = elapsed_seconds - base_seconds_;
  const double worked_fraction = fraction - base_fraction_;
  if (worked_fraction < options_.min_fraction || worked_seconds < options_.min_seconds) return smoothed_;
  const double raw = (1.0 - fraction) * worked_seconds / worked_fraction;
  const double since_last = std::max(0.0, elapsed_seconds - last_seconds_);
  last_seconds_ = elapsed_seconds;
  if (!smoothed_) {
    smoothed_ = raw;
    return smoothed_;
  }
  // The previous estimate has run down by the time passed since it was made.
  const double carried = std::max(0.0, *smoothed_ - since_last);
  const double weight = options_.smoothing_seconds > 0 ? 1.0 - std::exp(-since_last / options_.smoothing_seconds) : 1.0;
  smoothed_ = carried + weight * (raw - carried);
  return smoothed_;
}

std::string format_duration(double seconds) {
  const auto whole = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  if (whole < 60) return fmt::format("{}s", whole);
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  return fmt::format("{}h{:02}m", whole / 3600, whole % 3600 / 60);
}

}  // namespace blindspot::cli::ui
