#pragma once

#include "blindspot/llm/endpoint.hpp"

#include <memory>
#include <optional>
#include <string>

namespace blindspot::llm::detail {

// What one POST brought back: a status and body, or the network failure that prevented one.
struct HttpReply {
  int status = 0;  // 0: no HTTP response (see network_error)
  std::string body;
  std::string network_error;                  // e.g. "connection refused", "no reply within 0.3 s"
  bool retryable_network_error = false;       // false for TLS verification and certificate problems
  std::optional<double> retry_after_seconds;  // from retry-after-ms or Retry-After
};

// POSTs JSON to the endpoint's chat-completions URL over keep-alive connections. An httplib
// client must not be used by two threads at once, so each call borrows an idle connection from
// a pool (or opens one); the pool grows to the number of concurrent callers. Safe from any thread.
class HttpTransport {
 public:
  // `endpoint` must be valid (validate()).
  explicit HttpTransport(const Endpoint& endpoint);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Never throws for network or HTTP failures: they come back in the reply.
  HttpReply post(const std::string& json_body);

  // The full URL of the chat-completions resource, for messages.
  const std::string& url() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::llm::detail
