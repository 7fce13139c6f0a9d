#pragma once

#include "blindspot/core/error.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace blindspot::llm {

// Thrown for every call of a client once its breaker is open (kind remote).
class ServerStoppedAnswering : public core::Error {
 public:
  explicit ServerStoppedAnswering(const std::string& message);
};

// A circuit breaker shared by all calls of one client (the chat client; the inference-server
// model). It counts attempts in a row that did not reach the server: refused, reset, no
// connection within the connect timeout, or a gateway's 502 or 504 (the server behind it is
// gone). Any other HTTP answer proves the server alive and resets the count. The breaker opens
// when `failures_to_open` such attempts came in a row and the first of them began at least
// `min_outage_seconds` ago (a restart or a network blip of a few seconds does not open it), or
// sooner when a call gives up its retries during such a run. Open, it stays open for the
// client's life: there is no half-open probe, because a command should fail fast and a rerun
// resumes from what was stored. Every call checks it before sending, and calls sleeping between
// retries wake at once. Safe from any number of threads.
class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  // `server_url` names the server in the message.
  CircuitBreaker(std::string server_url, int failures_to_open, double min_outage_seconds);

  // Throws ServerStoppedAnswering(outage()) when open.
  void throw_if_open() const;
  // After an attempt the server answered, whatever the status.
  void record_answer();
  // After an attempt that began at `attempt_started` and did not reach the server; `failure`
  // says how ("cannot connect to ..."). `giving_up`: the call will not try again. Throws
  // ServerStoppedAnswering when the breaker is open, now or before.
  void record_unreachable(const std::string& failure, Clock::time_point attempt_started, bool giving_up);
  // Sleeps `seconds` before a retry. Throws ServerStoppedAnswering as soon as the breaker opens,
  // which the sleep itself does when the outage reaches min_outage_seconds meanwhile.
  void sleep_before_retry(double seconds);

  bool is_open() const;
  // "the server at URL stopped answering: LATEST FAILURE since HH:MM:SS" (local time, the start
  // of the first failed attempt in the row); empty while closed.
  std::string outage() const;

 private:
  void open_locked();
  std::string outage_locked() const;

  std::string server_url_;
  int failures_to_open_;
  Clock::duration min_outage_;
  mutable std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  int failures_in_a_row_ = 0;
  Clock::time_point outage_started_;
  std::chrono::system_clock::time_point outage_started_wall_;
  std::string last_failure_;
};

}  // namespace blindspot::llm
