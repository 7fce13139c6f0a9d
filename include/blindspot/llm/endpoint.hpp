#pragma once

#include <filesystem>
#include <string>

namespace blindspot::llm {

// Where and how to reach an OpenAI-compatible server, and how hard to try.
struct Endpoint {
  // Up to and including the API version, e.g. "https://api.openai.com/v1" or
  // "http://127.0.0.1:8080/v1"; "/chat/completions" is appended.
  std::string base_url;
  std::string model;
  std::string api_key;  // empty: no Authorization header
  // PEM CA bundle that HTTPS servers are verified against instead of the system store (for a
  // private CA); empty: the system store. Verification is always on.
  std::filesystem::path ca_file;
  // Per attempt: for each read or write on the connection (httplib has no total deadline, so a
  // reply that keeps trickling in can take longer), and for the connection itself up to 10 s.
  double timeout_seconds = 120;
  // Retries after the first attempt, on 408, 409, 429, 5xx, network errors and timeouts, and on
  // a 200 whose body is not a chat.completion (truncated).
  int max_retries = 6;
  double backoff_initial_seconds = 1;
  double backoff_max_seconds = 60;
  // The circuit breaker (llm/circuit_breaker.hpp, docs/llm.md): after this many attempts in a
  // row that could not reach the server, the first at least breaker_seconds ago, every call
  // left fails at once.
  int breaker_failures = 5;
  double breaker_seconds = 10;
  int max_in_flight = 4;           // concurrent requests
  double requests_per_minute = 0;  // 0: no limit
  double tokens_per_minute = 0;    // prompt + completion tokens; 0: no limit
};

// Throws Error{usage} naming the field when the endpoint cannot work (no base URL, host or
// model, a scheme other than http/https, timeout <= 0, max_in_flight < 1, negative limits,
// backoff_max below backoff_initial, breaker_failures < 1, breaker_seconds < 0, a ca_file that
// is missing or set for plain http).
void validate(const Endpoint& endpoint);

}  // namespace blindspot::llm
