#pragma once

#include "blindspot/model/classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace blindspot::model::detail {

// The Open Inference Protocol v2 (KServe v2) as the server model uses it, without HTTP: the
// model URL, the metadata, the infer request and reply (docs/model-server.md).

// "http://host:8000/v2/models/m/versions/2" cut into its parts. A path prefix before /v2 (an
// ingress route) is kept: "https://host/serving/v2/models/m" asks "/serving/v2/health/ready".
struct ServerUrl {
  std::string origin;      // "http://host:8000"
  std::string prefix;      // "" or "/serving"
  std::string model;       // "m"
  std::string version;     // "2" or empty
  std::string model_path;  // "/v2/models/m/versions/2"
  std::string url() const { return origin + model_path; }
  std::string ready_path() const { return prefix + "/v2/health/ready"; }
  std::string infer_path() const { return model_path + "/infer"; }
};

// Throws Error{usage} for anything but http(s)://HOST[:PORT][/PREFIX]/v2/models/NAME[/versions/V]
// (no user-info, query or fragment).
ServerUrl parse_server_url(const std::string& spec);

// What blindspot reads from the model's metadata.
struct ServerModel {
  std::string name;
  std::string version;   // the requested version, else the metadata's versions joined by ","
  std::string platform;  // may be empty
  std::string input_name;
  std::size_t input_rank = 1;  // 2 for an input declared [-1, 1]: texts are then sent as [N, 1]
  std::string output_name;
  std::vector<std::string> labels;  // from the metadata's parameters; empty if it has none
};

// Picks the input, output and labels (options.input_name/output_name when set). Throws
// Error{remote} starting with `who` and naming what the metadata lacks.
ServerModel read_server_metadata(const nlohmann::json& metadata, const ServerUrl& url, const RemoteOptions& options,
                                 const std::string& who);

// The body of POST .../infer for `texts`.
std::string infer_request_body(const std::string& id, const std::vector<std::string>& texts, const ServerModel& model);

// The probabilities in an infer reply: output `model.output_name`, FP32 or FP64, shape
// [texts, classes] row-major (nested arrays are flattened). Throws Error{remote} whose message
// says what is wrong (the caller adds the URL and request).
std::vector<Probabilities> parse_infer_reply(const std::string& body, std::size_t texts, std::size_t classes,
                                             const ServerModel& model);

// The server's own words from an error body {"error": "..."} (or its first characters).
std::string server_error_text(const std::string& body);

}  // namespace blindspot::model::detail
