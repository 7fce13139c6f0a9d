#include "server_protocol.hpp"

#include "blindspot/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace blindspot::model::detail {
namespace {

using core::Error;
using core::ErrorKind;
using nlohmann::json;

constexpr std::size_t kShownBodyCharacters = 300;

[[noreturn]] void usage(const std::string& spec, const std::string& what) {
  throw Error(ErrorKind::usage, fmt::format("--model {}: {}; expected http(s)://HOST:PORT/v2/models/NAME"
                                            "[/versions/VERSION] (an Open Inference Protocol v2 server)",
                                            spec, what));
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (!part.empty()) parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

std::string describe_tensors(const json& tensors) {
  std::vector<std::string> shown;
  for (const json& tensor : tensors) {
    if (!tensor.is_object()) continue;
    shown.push_back(fmt::format("{} {} {}", tensor.value("name", "?"), tensor.value("datatype", "?"),
                                tensor.contains("shape") ? tensor["shape"].dump() : "[]"));
  }
  return shown.empty() ? "none" : fmt::format("{}", fmt::join(shown, "; "));
}

const json* find_tensor(const json& tensors, const std::string& name) {
  for (const json& tensor : tensors) {
    if (tensor.is_object() && tensor.value("name", "") == name) return &tensor;
  }
  return nullptr;
}

// A labels parameter: a JSON array of strings, or a string holding one ("[\"neg\",\"pos\"]")
// or a comma-separated list ("neg,pos"); servers differ in what a parameter may hold.
std::vector<std::string> labels_parameter(const json& holder) {
  if (!holder.is_object()) return {};
  const auto parameters = holder.find("parameters");
  if (parameters == holder.end() || !parameters->is_object()) return {};
  const auto labels = parameters->find("labels");
  if (labels == parameters->end()) return {};
  json list = *labels;
  if (list.is_string()) {
    const std::string text = list.get<std::string>();
    list = json::parse(text, nullptr, false);
    if (!list.is_array()) {
      list = json::array();
      std::string_view rest = text;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string name(rest.substr(0, comma));
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        list.push_back(name);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
  }
  std::vector<std::string> names;
  if (!list.is_array()) return names;
  for (const json& name : list) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

std::string pick_input(const json& inputs, const RemoteOptions& options, const std::string& who, std::size_t& rank) {
  const json* chosen = nullptr;
  if (!options.input_name.empty()) {
    chosen = find_tensor(inputs, options.input_name);
    if (chosen == nullptr) {
      throw Error(ErrorKind::remote, fmt::format("{}: has no input \"{}\" (--model-input); its inputs: {}", who,
                                                 options.input_name, describe_tensors(inputs)));
    }
    if (chosen->value("datatype", "") != "BYTES") {
      throw Error(ErrorKind::remote, fmt::format("{}: input \"{}\" has datatype {}, not BYTES (text)", who,
                                                 options.input_name, chosen->value("datatype", "?")));
    }
  } else {
    std::vector<const json*> texts;
    for (const json& tensor : inputs) {
      if (tensor.is_object() && tensor.value("datatype", "") == "BYTES") texts.push_back(&tensor);
    }
    if (texts.empty()) {
      throw Error(ErrorKind::remote, fmt::format("{}: has no BYTES input for texts in its metadata (inputs: {}); "
                                                 "blindspot sends raw texts, so the model needs a text input",
                                                 who, describe_tensors(inputs)));
    }
    if (texts.size() > 1) {
      throw Error(ErrorKind::remote, fmt::format("{}: has several BYTES inputs ({}); choose one with --model-input",
                                                 who, describe_tensors(inputs)));
    }
    chosen = texts.front();
  }
  rank = chosen->contains("shape") && (*chosen)["shape"].is_array() ? (*chosen)["shape"].size() : 1;
  return chosen->value("name", "");
}

const json& pick_output(const json& outputs, const RemoteOptions& options, const std::string& who) {
  if (!options.output_name.empty()) {
    if (const json* named = find_tensor(outputs, options.output_name)) return *named;
    throw Error(ErrorKind::remote, fmt::format("{}: has no output \"{}\" (--model-output); its outputs: {}", who,
                                               options.output_name, describe_tensors(outputs)));
  }
  if (outputs.size() == 1 && outputs.front().is_object()) return outputs.front();
  for (const char* name : {"probabilities", "probs"}) {
    if (const json* named = find_tensor(outputs, name)) return *named;
  }
  throw Error(ErrorKind::remote, fmt::format("{}: has {} outputs and none named \"probabilities\" or \"probs\" ({}); "
                                             "choose the probability output with --model-output",
                                             who, outputs.size(), describe_tensors(outputs)));
}

void flatten(const json& data, std::vector<double>& values, bool& numeric) {
  if (data.is_array()) {
    for (const json& element : data) flatten(element, values, numeric);
  } else if (data.is_number()) {
    values.push_back(data.get<double>());
  } else {
    numeric = false;
  }
}

}  // namespace

ServerUrl parse_server_url(const std::string& spec) {
  if (!spec.starts_with("http://") && !spec.starts_with("https://")) usage(spec, "not an http(s) URL");
  if (spec.find_first_of("?#") != std::string::npos) usage(spec, "a query or fragment is not supported");
  const auto host_begin = spec.find("://") + 3;
  const auto path_begin = spec.find('/', host_begin);
  const std::string authority = spec.substr(host_begin, path_begin - host_begin);
  if (authority.empty() || authority.front() == ':') usage(spec, "no host");
  if (authority.find('@') != std::string::npos) {
    usage(spec, "credentials in the URL are not supported (give an API key with --model-api-key-env)");
  }
  ServerUrl url;
  url.origin = spec.substr(0, path_begin);
  const std::string path = path_begin == std::string::npos ? "" : spec.substr(path_begin);
  const auto v2 = path.rfind("/v2/models/");
  if (v2 == std::string::npos) usage(spec, "the path does not contain /v2/models/NAME");
  url.prefix = path.substr(0, v2);
  const std::vector<std::string> parts = split_path(std::string_view(path).substr(v2 + 11));
  if (parts.empty()) usage(spec, "no model name after /v2/models/");
  if (parts.size() == 1) {
    url.model = parts[0];
  } else if (parts.size() == 3 && parts[1] == "versions") {
    url.model = parts[0];
    url.version = parts[2];
  } else {
    usage(spec, "the path after /v2/models/ must be NAME or NAME/versions/VERSION");
  }
  url.model_path = url.prefix + "/v2/models/" + url.model + (url.version.empty() ? "" : "/versions/" + url.version);
  return url;
}

ServerModel read_server_metadata(const json& metadata, const ServerUrl& url, const RemoteOptions& options,
                                 const std::string& who) {
  if (!metadata.is_object()) throw Error(ErrorKind::remote, who + ": its model metadata is not a JSON object");
  const json inputs = metadata.value("inputs", json::array());
  const json outputs = metadata.value("outputs", json::array());
  if (!inputs.is_array() || !outputs.is_array() || outputs.empty()) {
    throw Error(ErrorKind::remote, who + ": its model metadata lists no outputs (or inputs/outputs are not arrays)");
  }
  ServerModel model;
  model.name = metadata.value("name", url.model);
  model.platform = metadata.contains("platform") && metadata["platform"].is_string()
                       ? metadata["platform"].get<std::string>()
                       : "";
  model.version = url.version;
  if (model.version.empty() && metadata.contains("versions") && metadata["versions"].is_array()) {
    std::vector<std::string> versions;
    for (const json& version : metadata["versions"]) {
      versions.push_back(version.is_string() ? version.get<std::string>() : version.dump());
    }
    model.version = fmt::format("{}", fmt::join(versions, ","));
  }
  model.input_name = pick_input(inputs, options, who, model.input_rank);
  const json& output = pick_output(outputs, options, who);
  model.output_name = output.value("name", "");
  model.labels = labels_parameter(output);
  if (model.labels.empty()) model.labels = labels_parameter(metadata);
  return model;
}

std::string infer_request_body(const std::string& id, const std::vector<std::string>& texts, const ServerModel& model) {
  json shape = json::array({texts.size()});
  if (model.input_rank >= 2) shape.push_back(1);
  const json body = {{"id", id},
                     {"inputs", json::array({{{"name", model.input_name},
                                              {"shape", shape},
                                              {"datatype", "BYTES"},
                                              {"data", texts}}})},
                     {"outputs", json::array({{{"name", model.output_name}}})}};
  // Texts are valid UTF-8 (data readers check it); replace keeps a stray byte from throwing.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<Probabilities> parse_infer_reply(const std::string& body, std::size_t texts, std::size_t classes,
                                             const ServerModel& model) {
  const json reply = json::parse(body, nullptr, false);
  if (!reply.is_object()) throw Error(ErrorKind::remote, "the reply is not a JSON object");
  const json outputs = reply.value("outputs", json::array());
  const json* output = outputs.is_array() ? find_tensor(outputs, model.output_name) : nullptr;
  if (output == nullptr) {
    throw Error(ErrorKind::remote, fmt::format("the reply has no output \"{}\" (outputs: {})", model.output_name,
                                               outputs.is_array() ? describe_tensors(outputs) : "not an array"));
  }
  const std::string datatype = output->value("datatype", "");
  if (datatype != "FP32" && datatype != "FP64") {
    throw Error(ErrorKind::remote, fmt::format("output \"{}\" has datatype {}; expected FP32 or FP64 probabilities",
                                               model.output_name, datatype.empty() ? "(none)" : datatype));
  }
  const json shape = output->value("shape", json::array());
  const json expected = json::array({texts, classes});
  if (shape != expected) {
    throw Error(ErrorKind::remote, fmt::format("output \"{}\" has shape {}; expected {} ({} texts x {} labels)",
                                               model.output_name, shape.dump(), expected.dump(), texts, classes));
  }
  std::vector<double> values;
  bool numeric = true;
  flatten(output->value("data", json::array()), values, numeric);
  if (!numeric || values.size() != texts * classes) {
    throw Error(ErrorKind::remote, fmt::format("output \"{}\" holds {} numbers{}; shape {} needs {}",
                                               model.output_name, values.size(), numeric ? "" : " and non-numbers",
                                               shape.dump(), texts * classes));
  }
  std::vector<Probabilities> rows(texts);
  for (std::size_t row = 0; row < texts; ++row) {
    const auto begin = values.begin() + static_cast<std::ptrdiff_t>(row * classes);
    rows[row].assign(begin, begin + static_cast<std::ptrdiff_t>(classes));
  }
  return rows;
}

std::string server_error_text(const std::string& body) {
  const json reply = json::parse(body, nullptr, false);
  std::string text;
  if (reply.is_object() && reply.contains("error")) {
    const json& error = reply["error"];
    // OIP servers send {"error": "..."}; some proxies in front of them the OpenAI shape.
    text = error.is_string() ? error.get<std::string>() : error.value("message", error.dump());
  } else {
    text = body;
  }
  if (text.size() > kShownBodyCharacters) text = text.substr(0, kShownBodyCharacters) + "...";
  return text;
}

}  // namespace blindspot::model::detail
