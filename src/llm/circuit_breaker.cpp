#include "blindspot/llm/circuit_breaker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <utility>

namespace blindspot::llm {
namespace {

std::string clock_time(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:02}:{:02}:{:02}", local.tm_hour, local.tm_min, local.tm_sec);
}

}  // namespace

ServerStoppedAnswering::ServerStoppedAnswering(const std::string& message)
    : core::Error(core::ErrorKind::remote, message) {}

CircuitBreaker::CircuitBreaker(std::string server_url, int failures_to_open, double min_outage_seconds)
    : server_url_(std::move(server_url)),
      failures_to_open_(std::max(1, failures_to_open)),
      min_outage_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(min_outage_seconds))) {}

void CircuitBreaker::throw_if_open() const {
  const std::lock_guard lock(mutex_);
  if (open_) throw ServerStoppedAnswering(outage_locked());
}

void CircuitBreaker::record_answer() {
  const std::lock_guard lock(mutex_);
  failures_in_a_row_ = 0;
}

void CircuitBreaker::record_unreachable(const std::string& failure, Clock::time_point attempt_started,
                                        bool giving_up) {
  const std::lock_guard lock(mutex_);
  if (open_) throw ServerStoppedAnswering(outage_locked());
  const auto now = Clock::now();
  // Attempts run in parallel, so one that began earlier may end later: the outage began with
  // the earliest attempt of the run.
  if (failures_in_a_row_ == 0 || attempt_started < outage_started_) {
    outage_started_ = attempt_started;
    outage_started_wall_ = std::chrono::system_clock::now() -
                           std::chrono::duration_cast<std::chrono::system_clock::duration>(now - attempt_started);
  }
  // The latest failure says how the server fails now (refused, after the calls in flight were cut).
  last_failure_ = failure;
  ++failures_in_a_row_;
  if (failures_in_a_row_ >= failures_to_open_ && (giving_up || now - outage_started_ >= min_outage_)) {
    open_locked();
    throw ServerStoppedAnswering(outage_locked());
  }
}

void CircuitBreaker::sleep_before_retry(double seconds) {
  std::unique_lock lock(mutex_);
  const auto until =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(0.0, seconds)));
  for (;;) {
    if (open_) throw ServerStoppedAnswering(outage_locked());
    const auto now = Clock::now();
    if (now >= until) return;
    auto wake = until;
    if (failures_in_a_row_ >= failures_to_open_) {
      // Enough failures, only not for long enough yet: wake when the outage is long enough
      // rather than when this call's (possibly much longer) backoff ends.
      const auto due = outage_started_ + min_outage_;
      if (now >= due) {
        open_locked();
        continue;
      }
      wake = std::min(wake, due);
    }
    opened_.wait_until(lock, wake);
  }
}

bool CircuitBreaker::is_open() const {
  const std::lock_guard lock(mutex_);
  return open_;
}

std::string CircuitBreaker::outage() const {
  const std::lock_guard lock(mutex_);
  return open_ ? outage_locked() : std::string();
}

void CircuitBreaker::open_locked() {
  open_ = true;
  opened_.notify_all();
}

std::string CircuitBreaker::outage_locked() const {
  return fmt::format("the server at {} stopped answering: {} since {}", server_url_, last_failure_,
                     clock_time(outage_started_wall_));
}

}  // namespace blindspot::llm
