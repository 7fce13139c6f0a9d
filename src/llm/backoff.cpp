#include "blindspot/llm/backoff.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

namespace blindspot::llm {

Backoff::Backoff(double initial_seconds, double max_seconds, std::uint64_t seed)
    : initial_seconds_(initial_seconds), max_seconds_(max_seconds), generator_(seed) {}

double Backoff::delay_seconds(int retry, std::optional<double> retry_after_seconds) {
  // 2^62 already exceeds any sensible maximum; capping the exponent keeps the power finite.
  const double ceiling = std::min(max_seconds_, initial_seconds_ * std::ldexp(1.0, std::min(retry, 62)));
  double jitter = 0;
  if (ceiling > 0) {
    const std::lock_guard lock(mutex_);
    jitter = std::uniform_real_distribution<double>(0, ceiling)(generator_);
  }
  return std::max(jitter, retry_after_seconds.value_or(0));
}

std::optional<double> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error == std::errc() && end == value.data() + value.size()) {
    if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
    return seconds;
  }
  std::tm parts{};
  const std::string text(value);
  const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&parts));
  return std::max(0.0, std::chrono::duration<double>(at - now).count());
}

}  // namespace blindspot::llm
