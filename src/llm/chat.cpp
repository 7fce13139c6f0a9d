#include "blindspot/llm/chat.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::llm {
namespace {

using core::Error;
using core::ErrorKind;
using nlohmann::json;

// Bumped when the key's canonical form changes, so old cache rows are never misread.
constexpr int kCacheKeyVersion = 1;

// Servers that ignore or reject response_format still follow an instruction in the prompt.
constexpr std::string_view kSchemaInstruction =
    "\n\nReply with only one JSON value that matches this JSON Schema, without prose or code fences:\n";

// The schema as a JSON value: parsed when it is JSON, so whitespace does not change the key;
// otherwise the raw text, so the key still distinguishes it (request_body() rejects it).
json schema_value(const std::string& schema) {
  if (schema.empty()) return nullptr;
  json parsed = json::parse(schema, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return schema;
  return parsed;
}

json parse_schema(const ChatRequest& request) {
  try {
    return json::parse(request.json_schema);
  } catch (const json::parse_error& error) {
    throw Error(ErrorKind::usage, "the request's json_schema (\"" + request.schema_name +
                                      "\") is not valid JSON: " + std::string(error.what()));
  }
}

// Invalid UTF-8 in a message (data from the user) must not abort a whole batch; the server
// would reject it anyway, so replace it as every JSON encoder in the chain would.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string trimmed_base_url(std::string_view base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  return std::string(base_url);
}

const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

std::int64_t token_count(const json& usage, const char* name) {
  const json* value = member(usage, name);
  return value != nullptr && value->is_number_integer() ? value->get<std::int64_t>() : 0;
}

std::string excerpt(std::string_view body) {
  constexpr std::size_t kMax = 200;
  if (body.size() <= kMax) return std::string(body);
  return std::string(body.substr(0, kMax)) + "...";
}

}  // namespace

std::string request_body(std::string_view model, const ChatRequest& request, bool with_response_format) {
  json messages = json::array();
  for (const Message& message : request.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  const bool structured = !request.json_schema.empty();
  if (structured && !with_response_format) {
    const std::string instruction = std::string(kSchemaInstruction) + dump(parse_schema(request));
    if (messages.empty()) {
      messages.push_back({{"role", "user"}, {"content", instruction.substr(2)}});
    } else {
      messages.back()["content"] = messages.back()["content"].get<std::string>() + instruction;
    }
  }
  json body = {{"model", model},
               {"messages", std::move(messages)},
               {"temperature", request.temperature},
               {"max_tokens", request.max_tokens}};
  if (request.seed) body["seed"] = *request.seed;
  if (structured && with_response_format) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema", {{"name", request.schema_name}, {"strict", true}, {"schema", parse_schema(request)}}}};
  }
  return dump(body);
}

std::string cache_key(std::string_view base_url, std::string_view model, const ChatRequest& request) {
  json messages = json::array();
  for (const Message& message : request.messages) {
    messages.push_back(json::array({message.role, message.content}));
  }
  // nlohmann's object keys are sorted and its number output is the shortest round-trip form,
  // so equal requests give byte-equal text on every platform and run.
  const json canonical = {{"v", kCacheKeyVersion},
                          {"base_url", trimmed_base_url(base_url)},
                          {"model", model},
                          {"messages", std::move(messages)},
                          {"temperature", request.temperature},
                          {"max_tokens", request.max_tokens},
                          {"seed", request.seed ? json(*request.seed) : json(nullptr)},
                          {"json_schema", schema_value(request.json_schema)},
                          {"schema_name", request.json_schema.empty() ? std::string() : request.schema_name}};
  return core::sha256_hex(dump(canonical));
}

ChatResponse parse_response_body(std::string_view body) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw Error(ErrorKind::remote,
                "the reply is not JSON (" + std::to_string(body.size()) + " bytes): " + excerpt(body));
  }
  if (const json* error = member(parsed, "error"); error != nullptr) {
    const json* message = member(*error, "message");
    throw Error(ErrorKind::remote,
                "the reply is an error: " +
                    (message != nullptr && message->is_string() ? message->get<std::string>() : excerpt(body)));
  }
  const json* choices = member(parsed, "choices");
  if (choices == nullptr || !choices->is_array() || choices->empty()) {
    throw Error(ErrorKind::remote, "the reply has no choices: " + excerpt(body));
  }
  const json& choice = choices->front();
  const json* message = member(choice, "message");
  const json* content = message != nullptr ? member(*message, "content") : nullptr;
  if (content == nullptr || !content->is_string()) {
    const json* refusal = message != nullptr ? member(*message, "refusal") : nullptr;
    if (refusal != nullptr && refusal->is_string()) {
      throw Error(ErrorKind::remote, "the model refused: " + refusal->get<std::string>());
    }
    throw Error(ErrorKind::remote, "the reply has no choices[0].message.content: " + excerpt(body));
  }
  ChatResponse response;
  response.content = content->get<std::string>();
  if (const json* finish = member(choice, "finish_reason"); finish != nullptr && finish->is_string()) {
    response.finish_reason = finish->get<std::string>();
  }
  if (const json* model = member(parsed, "model"); model != nullptr && model->is_string()) {
    response.model = model->get<std::string>();
  }
  if (const json* usage = member(parsed, "usage"); usage != nullptr) {
    response.usage.prompt_tokens = token_count(*usage, "prompt_tokens");
    response.usage.completion_tokens = token_count(*usage, "completion_tokens");
  }
  return response;
}

}  // namespace blindspot::llm
