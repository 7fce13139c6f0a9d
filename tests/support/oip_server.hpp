#pragma once

#include "blindspot/model/classifier.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace blindspot::test {

// What the server may do to one infer request instead of answering it properly.
enum class OipFault {
  none,
  rate_limit,       // 429 with Retry-After (OipServerOptions::retry_after)
  server_error,     // 500 {"error": "..."}
  drop_connection,  // the connection is closed without any response
  slow,             // the reply comes after slow_seconds (past a short client timeout)
  wrong_datatype,   // the output as INT64
  wrong_shape,      // the output as shape [N * C] instead of [N, C]
};

const char* to_string(OipFault fault) noexcept;

struct OipServerOptions {
  // The model served (not owned; must outlive the server). Its predict_batch answers each request.
  const model::Classifier* model = nullptr;
  std::string name = "model";
  std::vector<std::string> versions = {"1"};
  std::string platform = "fasttext_bin";
  std::string input_name = "text";
  std::string input_datatype = "BYTES";  // "FP32": a model without a text input
  std::vector<int> input_shape = {-1};
  std::string output_name = "probabilities";
  std::string output_datatype = "FP32";  // FP32 or FP64 replies
  // An extra output listed in the metadata (and never sent), to test the choice of output.
  std::string extra_output_name;
  // Where the label names go in the metadata: "output" (outputs[i].parameters.labels), "model"
  // (parameters.labels of the model), "" (nowhere).
  std::string labels_in = "output";
  // Faults for the first infer requests, in arrival order (OipFault::none passes).
  std::vector<OipFault> fault_script;
  // A fault for every infer request after the script.
  OipFault every_request = OipFault::none;
  std::string retry_after = "0";
  double slow_seconds = 2;
  // Every infer request takes this long once a replica serves it (the model's own time comes on top).
  double latency_seconds = 0;
  // At most this many infer requests are served at once; the rest queue (0: no limit).
  int replicas = 0;
  // /v2/health/ready answers 503 for this long after the start.
  double not_ready_seconds = 0;
  // Non-empty: requests without "Authorization: Bearer <api_key>" get 401.
  std::string api_key;
  // 0: a free port.
  int port = 0;
  std::string host = "127.0.0.1";
  // Worker threads; each open keep-alive connection holds one.
  int threads = 64;
};

struct OipServerStats {
  int infer_requests = 0;
  int ready_requests = 0;
  int metadata_requests = 0;
  std::vector<std::size_t> texts_per_request;  // per infer request, in arrival order
  std::map<int, int> by_status;                // infer replies by status; 0 = dropped connection
  int max_in_flight = 0;                       // most infer requests being handled at once
  std::vector<std::string> authorization;      // Authorization header of each request ("" if none)
  std::vector<std::string> paths;              // every request's method and path, in arrival order
};

// An in-process Open Inference Protocol v2 (KServe v2) server for tests and benchmarks: GET
// /v2/health/ready, GET /v2/models/NAME[/versions/V] (metadata with the labels), POST
// .../infer (BYTES input [N] or [N, 1] -> output [N, C] of the model's probabilities), errors as
// {"error": "..."}, injected faults per infer request, an added latency and a replica limit
// to simulate a deployment. TCP_NODELAY is on. stop() and the destructor act like a killed
// server: requests that are waiting get their connection closed with no response.
class OipServer {
 public:
  explicit OipServer(OipServerOptions options);
  ~OipServer();
  OipServer(const OipServer&) = delete;
  OipServer& operator=(const OipServer&) = delete;

  // "http://127.0.0.1:PORT"
  std::string origin() const;
  // origin() + "/v2/models/NAME"
  std::string model_url() const;
  int port() const noexcept;

  OipServerStats stats() const;
  void reset_stats();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::test
