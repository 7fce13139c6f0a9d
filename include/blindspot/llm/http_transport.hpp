#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace blindspot::llm {

// What one request brought back: a status and body, or the network failure that prevented one.
struct HttpReply {
  int status = 0;  // 0: no HTTP response (see network_error)
  std::string body;
  std::string network_error;                  // e.g. "connection refused", "no reply within 0.3 s"
  bool retryable_network_error = false;       // false for TLS verification and certificate problems
  // The server could not be reached or dropped the connection: refused, reset, no connection
  // within the connect timeout (not a reply that is late: the server may just be slow).
  bool unreachable = false;
  std::optional<double> retry_after_seconds;  // from retry-after-ms or Retry-After
};

// How every request of a transport is made.
struct HttpSettings {
  // Per attempt: for each read or write on the connection (httplib has no total deadline, so a
  // reply that keeps trickling in can take longer), and for the connection itself up to
  // connect_timeout_seconds.
  double timeout_seconds = 120;
  // A TCP connection takes milliseconds, a long way off a second: a server that does not accept
  // one within this time is not there (a dead host drops the packets).
  double connect_timeout_seconds = 10;
  // PEM CA bundle that HTTPS servers are verified against instead of the system store (for a
  // private CA); empty: the system store. Verification is always on.
  std::filesystem::path ca_file;
  // Sent as "Authorization: Bearer KEY" when not empty; never part of a message.
  std::string bearer_token;
  // Names the setting that holds ca_file and the timeout in messages ("ca_file", "--model-ca-file").
  std::string ca_file_setting = "ca_file";
  std::string timeout_setting = "timeout_seconds";
};

// A URL cut into its origin "https://host:port" (no trailing slash) and the rest, its path
// ("/v1", "/v2/models/m"; may be empty). The URL must start with http:// or https://.
struct UrlParts {
  std::string origin;
  std::string path;
};
UrlParts split_url(std::string_view url);

// GETs and POSTs JSON to paths of one origin over keep-alive connections with TCP_NODELAY. An
// httplib client must not be used by two threads at once, so each call borrows an idle connection
// from a pool (or opens one); the pool grows to the number of concurrent callers. Safe from any
// thread. Retrying is the caller's business (Backoff, retry_after_seconds).
class HttpTransport {
 public:
  // `origin`: "http(s)://host[:port]", no path.
  HttpTransport(std::string origin, HttpSettings settings);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Never throw for network or HTTP failures: they come back in the reply. `path` starts with "/".
  HttpReply get(const std::string& path);
  HttpReply post(const std::string& path, const std::string& json_body);

  const std::string& origin() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::llm
