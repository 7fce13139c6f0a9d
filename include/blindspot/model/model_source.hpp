#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/model/classifier.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::model {

// The three forms of --model (docs/model-protocol.md):
//   file     a model file written by `blindspot train` (fastText)
//   command  "cmd:python3 my_model.py serve model.pt": an adapter process speaking the
//            JSON-lines model protocol on its stdin and stdout
//   server   "http(s)://HOST:PORT/v2/models/NAME[/versions/V]": an Open Inference Protocol v2
//            (KServe v2) inference server
enum class SourceKind { file, command, server };

SourceKind source_kind(std::string_view spec) noexcept;
// "model file", "adapter command", "inference server"
const char* to_string(SourceKind kind) noexcept;

// How blindspot talks to a command or server model; ignored for model files.
struct RemoteOptions {
  // Texts per request (per protocol batch, per infer request).
  std::size_t batch_size = 64;
  // Requests at once (servers; an adapter process answers one batch at a time).
  int max_in_flight = 4;
  // Seconds one batch may take (per attempt for a server).
  double timeout_seconds = 60;
  // Seconds to start: the adapter's handshake, the server's readiness and metadata.
  double start_timeout_seconds = 120;
  // Servers: retries after the first attempt on 408, 429, 5xx, dropped connections and timeouts.
  int max_retries = 4;
  double backoff_initial_seconds = 0.5;
  double backoff_max_seconds = 30;
  // Servers: the circuit breaker (llm/circuit_breaker.hpp): after this many attempts in a row
  // that could not reach the server, the first at least breaker_seconds ago, every request fails.
  int breaker_failures = 5;
  double breaker_seconds = 10;
  // Servers: PEM CA bundle for HTTPS instead of the system store.
  std::filesystem::path ca_file;
  // Servers: the name of an environment variable holding an API key, sent as
  // "Authorization: Bearer KEY"; empty: no key. The key itself is never stored.
  std::string api_key_env;
  // Label names in the order of the model's probabilities, when the adapter or the server's
  // metadata does not give them (a given list overrides theirs only if they agree as sets).
  std::vector<std::string> labels;
  // Servers: the BYTES input tensor and the probability output tensor; empty: from the metadata
  // (the only BYTES input; the only output, or the one named "probabilities").
  std::string input_name;
  std::string output_name;
  // How the model is described to the LLM teacher; empty: the adapter's or server's description,
  // else a generic one.
  std::string description;
  // Adapters: where their stderr is appended (the run's log); empty: discarded (the last lines are
  // still kept for error messages).
  std::filesystem::path log_file;
  // Reports the texts of large requests (more than batch_size texts at once, as a scan makes) as
  // their batches are answered: stage "querying the model", texts done of texts asked so far.
  core::ProgressCallback progress = {};
};

// Opens `spec` in the form its prefix says: a model file is loaded, an adapter is started and
// handshaken, a server is checked for readiness and its metadata read. Throws Error{usage} for a
// malformed spec, Error{bad_input} for a bad model file, Error{remote} for an adapter or server
// that fails, each naming the source.
std::unique_ptr<Classifier> open_model(const std::string& spec, const RemoteOptions& options = {});

// The spec as it may be stored and shown: a URL's user-info and query are dropped.
std::string displayable_source(std::string_view spec);

}  // namespace blindspot::model
