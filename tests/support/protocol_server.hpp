#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace blindspot::test {

// What the server may do to one HTTP attempt instead of answering it properly.
enum class Fault {
  none,
  rate_limit,       // 429 with Retry-After (ProtocolServerOptions::retry_after)
  server_error,     // 500 with an OpenAI-style error body
  drop_connection,  // the connection is closed without any response
  slow,             // the reply comes after slow_seconds (past a short client timeout)
  truncated,        // 200 with the first half of the JSON body
  bad_request,      // 400 invalid_request_error (not retryable; never drawn by default)
  status,           // fault_status with fault_body: any error a server may send (never drawn by default)
};

const char* to_string(Fault fault) noexcept;

// The reply content for one request (the whole parsed request body). Content faults (a reply
// that parses but is unusable) are the responder's business: return whatever text you want.
using Responder = std::function<std::string(const nlohmann::json& request)>;

// The default responder: with response_format json_schema, the canonical instance of the schema
// (enums take their first value, strings echo the last message's first characters, arrays have
// minItems items); without it, "echo: " + the last message's content.
std::string default_reply(const nlohmann::json& request);

struct ProtocolServerOptions {
  Responder responder = default_reply;
  // Each attempt gets a fault with this probability (seeded, so a run is reproducible up to
  // thread interleaving), drawn uniformly from fault_kinds.
  double fault_probability = 0;
  std::uint64_t fault_seed = 1;
  std::vector<Fault> fault_kinds = {Fault::rate_limit, Fault::server_error, Fault::drop_connection, Fault::slow,
                                    Fault::truncated};
  // Faults for the first attempts, in arrival order, before the random ones (Fault::none passes).
  std::vector<Fault> fault_script;
  // The Retry-After header of injected 429s: seconds or an HTTP date; empty sends none.
  std::string retry_after = "0";
  // The error.code of injected 429s; OpenAI's "insufficient_quota" means no retry will help.
  std::string rate_limit_code = "rate_limit_exceeded";
  double slow_seconds = 2;
  // The reply of Fault::status, e.g. llama-server's 500 {"error":{"message":"Context size has been
  // exceeded.",...}}.
  int fault_status = 500;
  std::string fault_body = R"({"error":{"message":"injected","type":"server_error"}})";
  // Every request waits this long before it is answered (a model's generation time).
  double latency_seconds = 0;
  // Answer requests with response_format 400 {"error":{"param":"response_format",..}}.
  bool reject_response_format = false;
  // Non-empty: requests without "Authorization: Bearer <api_key>" get 401.
  std::string api_key;
  // The "model" of replies; empty echoes the request's model.
  std::string model;
  // Both set: serve HTTPS with this PEM certificate and key.
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  // 0: a free port. A server restarted on the port of a stopped one keeps its base URL, which is
  // part of every cache key.
  int port = 0;
  // Worker threads; each open keep-alive connection holds one, so keep it above the clients'
  // concurrency.
  int threads = 64;
  // How long an idle keep-alive connection is kept (httplib's default is 5 s).
  int keep_alive_seconds = 5;
};

struct ProtocolServerStats {
  int requests = 0;                        // HTTP requests received on /v1/chat/completions
  std::map<int, int> by_status;            // replies sent by status; 0 = dropped connection
  std::map<Fault, int> faults;             // faults injected by kind
  std::map<std::string, int> by_prompt;    // requests by the content of their last message
  int max_in_flight = 0;                   // most requests being handled at once
  std::vector<double> arrival_seconds;     // arrival times since start(), in arrival order
  std::vector<std::string> authorization;  // Authorization header of each request ("" if none)
};

// An in-process OpenAI-compatible chat-completions server on 127.0.0.1 (a free port) for tests
// and benchmarks: POST {base_url}/chat/completions, replies computed by the responder, usage
// counted as characters/4, finish_reason "length" when the reply is cut at max_tokens, and
// injected faults per attempt. TCP_NODELAY is on (Nagle plus delayed ACK costs 26 ms a
// request on loopback). stop() and the destructor act like a killed server: requests that are
// waiting get their connection closed with no response.
class ProtocolServer {
 public:
  explicit ProtocolServer(ProtocolServerOptions options = {});
  ~ProtocolServer();
  ProtocolServer(const ProtocolServer&) = delete;
  ProtocolServer& operator=(const ProtocolServer&) = delete;

  // "http://127.0.0.1:PORT/v1" (https with a certificate).
  std::string base_url() const;
  int port() const noexcept;

  ProtocolServerStats stats() const;
  void reset_stats();
  // Changes fault injection for the following requests.
  void set_fault_probability(double probability);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::test
