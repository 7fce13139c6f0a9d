#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>

namespace blindspot::llm {

// Exponential backoff with full jitter: the wait before retry n is uniform in
// [0, min(max, initial * 2^n)] ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015:
// full jitter spreads the retries of many clients that failed together, where plain doubling
// makes them collide again). Shared by all threads of a client, so one seeded generator gives
// reproducible timing in single-threaded tests. It only computes delays: the callers sleep them on
// their circuit breaker (CircuitBreaker::sleep_before_retry), which an outage wakes early.
// Used by the chat client and by the inference-server model (model/server_classifier.cpp).
class Backoff {
 public:
  Backoff(double initial_seconds, double max_seconds, std::uint64_t seed);

  // Seconds to wait before retry `retry` (0 = the first retry); never less than
  // `retry_after_seconds`, the server's own request.
  double delay_seconds(int retry, std::optional<double> retry_after_seconds);

 private:
  double initial_seconds_;
  double max_seconds_;
  std::mutex mutex_;
  std::mt19937_64 generator_;
};

// A Retry-After header value: delay-seconds ("120", also fractional "0.5") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", RFC 9110 section 10.2.3), as seconds from `now`
// (0 for a date in the past); nullopt when it is neither.
std::optional<double> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace blindspot::llm
