// blindspot_llm_test_server: an OpenAI-compatible chat-completions server (the protocol test
// server, support/protocol_server.hpp) whose replies are good enough for the LLM teacher, for
// the Python module's tests and manual use. Prints its base URL ("http://127.0.0.1:PORT/v1")
// on the first line of stdout, then reads commands on stdin, one a line:
//   stats   prints {"requests": N} (requests received on /v1/chat/completions so far)
// It exits when stdin closes, or when killed. Usage:
//   blindspot_llm_test_server [--port P] [--latency-ms MS] [--api-key KEY]
// --api-key: requests without "Authorization: Bearer KEY" get 401.
#include "support/protocol_server.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

using nlohmann::json;

// The enum of the label members of a json_schema (the model's labels), or ["positive"].
json labels_of(const json& schema) {
  for (const char* path : {"/properties/label/enum", "/properties/samples/items/properties/label/enum"}) {
    const json::json_pointer pointer(path);
    if (schema.contains(pointer) && schema.at(pointer).is_array() && !schema.at(pointer).empty()) {
      return schema.at(pointer);
    }
  }
  return json::array({"positive"});
}

// Replies as the LLM teacher's prompts ask (src/teach/llm_teacher.cpp): a hypothesis, a label,
// or k samples cycling through the labels. Each carries a hash of the prompt, so different
// prompts get different hypotheses and samples (and the same prompt the same reply).
std::string teacher_reply(const json& request) {
  const json format = request.value("response_format", json::object());
  if (format.value("type", "") != "json_schema") return blindspot::test::default_reply(request);
  const std::string name = format["json_schema"].value("name", "");
  const json schema = format["json_schema"].value("schema", json::object());
  const std::string prompt = request["messages"].back().value("content", "");
  const std::string tag = std::to_string(std::hash<std::string>{}(prompt));
  const json labels = labels_of(schema);
  if (name == "hypothesis") return json{{"reasoning", "r"}, {"hypothesis", "The classifier misreads " + tag}}.dump();
  if (name == "label") return json{{"reasoning", "r"}, {"label", labels[0]}}.dump();
  if (name != "samples") return blindspot::test::default_reply(request);
  const int k = schema.contains("/properties/samples/minItems"_json_pointer)
                    ? schema.at("/properties/samples/minItems"_json_pointer).get<int>()
                    : 2;
  json samples = json::array();
  for (int i = 0; i < k; ++i) {
    samples.push_back({{"reasoning", "r"},
                       {"text", "an invented sentence number " + std::to_string(i) + " written for case " + tag},
                       {"label", labels[static_cast<std::size_t>(i) % labels.size()]}});
  }
  return json{{"samples", samples}}.dump();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace blindspot;
  test::ProtocolServerOptions options;
  options.responder = teacher_reply;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
        return argv[++i];
      };
      if (flag == "--port") {
        options.port = std::stoi(value());
      } else if (flag == "--api-key") {
        options.api_key = value();
      } else if (flag == "--latency-ms") {
        options.latency_seconds = std::stod(value()) / 1000.0;
      } else {
        throw std::invalid_argument("unknown option " + flag);
      }
    }
    test::ProtocolServer server(options);
    std::printf("%s\n", server.base_url().c_str());
    std::fflush(stdout);
    std::string command;
    while (std::getline(std::cin, command)) {
      if (command == "stats") {
        std::printf("%s\n", json{{"requests", server.stats().requests}}.dump().c_str());
      } else {
        std::printf("%s\n", json{{"error", "unknown command: " + command}}.dump().c_str());
      }
      std::fflush(stdout);
    }
    server.stop();
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "blindspot_llm_test_server: %s\n", error.what());
    return 2;
  }
}
