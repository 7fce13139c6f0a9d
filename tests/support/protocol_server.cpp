#include "support/protocol_server.hpp"

#include "support/http_sockets.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

namespace blindspot::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The usage block counts a token per 4 characters (OpenAI's rule of thumb), so tests can
// predict it.
std::int64_t tokens_of(std::size_t characters) { return static_cast<std::int64_t>((characters + 3) / 4); }

std::string last_content(const json& request) {
  const auto messages = request.find("messages");
  if (messages == request.end() || !messages->is_array() || messages->empty()) return {};
  const json& last = messages->back();
  return last.contains("content") && last["content"].is_string() ? last["content"].get<std::string>() : "";
}

std::int64_t prompt_characters(const json& request) {
  std::size_t characters = 0;
  if (const auto messages = request.find("messages"); messages != request.end() && messages->is_array()) {
    for (const json& message : *messages) {
      if (message.contains("content") && message["content"].is_string()) {
        characters += message["content"].get_ref<const std::string&>().size();
      }
    }
  }
  return static_cast<std::int64_t>(characters);
}

json instance_of(const json& schema, const std::string& text, int depth) {
  if (!schema.is_object() || depth > 16) return text;
  if (const auto values = schema.find("enum"); values != schema.end() && values->is_array() && !values->empty()) {
    return values->front();
  }
  if (const auto value = schema.find("const"); value != schema.end()) return *value;
  for (const char* combinator : {"anyOf", "oneOf", "allOf"}) {
    if (const auto options = schema.find(combinator);
        options != schema.end() && options->is_array() && !options->empty()) {
      return instance_of(options->front(), text, depth + 1);
    }
  }
  std::string type = "string";
  if (const auto declared = schema.find("type"); declared != schema.end()) {
    if (declared->is_string()) {
      type = declared->get<std::string>();
    } else if (declared->is_array()) {
      for (const json& option : *declared) {
        if (option.is_string() && option != "null") {
          type = option.get<std::string>();
          break;
        }
      }
    }
  }
  if (type == "object") {
    json object = json::object();
    if (const auto properties = schema.find("properties"); properties != schema.end() && properties->is_object()) {
      for (const auto& [name, property] : properties->items()) object[name] = instance_of(property, text, depth + 1);
    }
    return object;
  }
  if (type == "array") {
    const int minimum = schema.value("minItems", 1);
    const int count = std::max(1, std::min(minimum, schema.value("maxItems", minimum)));
    json array = json::array();
    const json items = schema.value("items", json::object());
    for (int i = 0; i < count; ++i) array.push_back(instance_of(items, text, depth + 1));
    return array;
  }
  if (type == "integer" || type == "number") {
    double value = static_cast<double>(text.size());
    if (schema.contains("minimum")) value = std::max(value, schema["minimum"].get<double>());
    if (schema.contains("maximum")) value = std::min(value, schema["maximum"].get<double>());
    if (type == "integer") return static_cast<std::int64_t>(value);
    return value;
  }
  if (type == "boolean") return true;
  if (type == "null") return nullptr;
  std::string value = text.substr(0, 32);
  const std::size_t min_length = schema.value("minLength", std::size_t{0});
  if (value.size() < min_length) value.append(min_length - value.size(), 'x');
  if (schema.contains("maxLength")) value = value.substr(0, schema["maxLength"].get<std::size_t>());
  return value;
}

std::string error_body(const std::string& message, const std::string& type, const json& param = nullptr,
                       const json& code = nullptr) {
  return json{{"error", {{"message", message}, {"type", type}, {"param", param}, {"code", code}}}}.dump();
}

}  // namespace

const char* to_string(Fault fault) noexcept {
  switch (fault) {
    case Fault::none:
      return "none";
    case Fault::rate_limit:
      return "rate_limit";
    case Fault::server_error:
      return "server_error";
    case Fault::drop_connection:
      return "drop_connection";
    case Fault::slow:
      return "slow";
    case Fault::truncated:
      return "truncated";
    case Fault::bad_request:
      return "bad_request";
    case Fault::status:
      return "status";
  }
  return "none";
}

std::string default_reply(const json& request) {
  const std::string text = last_content(request);
  const auto format = request.find("response_format");
  if (format != request.end() && format->is_object() && format->value("type", "") == "json_schema") {
    const json schema = (*format)["json_schema"].value("schema", json::object());
    return instance_of(schema, text, 0).dump();
  }
  return "echo: " + text;
}

struct ProtocolServer::Impl {
  ProtocolServerOptions options;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = 0;
  bool https = false;
  Clock::time_point started = Clock::now();

  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  ProtocolServerStats stats;
  int in_flight = 0;
  std::mt19937_64 generator;
  std::size_t script_position = 0;
  std::uint64_t reply_count = 0;

  // Sleeps unless the server stops first; false when it is stopping.
  bool pause(double seconds) {
    if (seconds <= 0) return true;
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return stopping; });
  }

  // Counted when decided: a slow reply may still be pending when a test reads the stats.
  Fault next_fault() {
    const std::lock_guard lock(mutex);
    const Fault fault = draw_fault();
    if (fault != Fault::none) ++stats.faults[fault];
    return fault;
  }

  Fault draw_fault() {
    if (script_position < options.fault_script.size()) return options.fault_script[script_position++];
    if (options.fault_kinds.empty() || options.fault_probability <= 0) return Fault::none;
    if (std::uniform_real_distribution<double>(0, 1)(generator) >= options.fault_probability) return Fault::none;
    return options
        .fault_kinds[std::uniform_int_distribution<std::size_t>(0, options.fault_kinds.size() - 1)(generator)];
  }

  void count(int status) {
    const std::lock_guard lock(mutex);
    ++stats.by_status[status];
  }

  std::string reply_body(const json& request) {
    std::string content = options.responder(request);
    const std::int64_t max_tokens = request.value("max_tokens", std::int64_t{1} << 30);
    std::string finish_reason = "stop";
    if (tokens_of(content.size()) > max_tokens) {
      content.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, max_tokens)) * 4);
      finish_reason = "length";
    }
    const std::int64_t prompt_tokens = tokens_of(static_cast<std::size_t>(prompt_characters(request)));
    const std::int64_t completion_tokens = tokens_of(content.size());
    std::uint64_t id = 0;
    {
      const std::lock_guard lock(mutex);
      id = ++reply_count;
    }
    const json body = {{"id", "chatcmpl-test-" + std::to_string(id)},
                       {"object", "chat.completion"},
                       {"created", 1700000000},
                       {"model", options.model.empty() ? request.value("model", "") : options.model},
                       {"choices", json::array({{{"index", 0},
                                                 {"message", {{"role", "assistant"}, {"content", content}}},
                                                 {"finish_reason", finish_reason}}})},
                       {"usage",
                        {{"prompt_tokens", prompt_tokens},
                         {"completion_tokens", completion_tokens},
                         {"total_tokens", prompt_tokens + completion_tokens}}}};
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  void handle(const httplib::Request& http_request, httplib::Response& http_response) {
    {
      const std::lock_guard lock(mutex);
      ++in_flight;
      stats.max_in_flight = std::max(stats.max_in_flight, in_flight);
      ++stats.requests;
      stats.arrival_seconds.push_back(std::chrono::duration<double>(Clock::now() - started).count());
      stats.authorization.push_back(http_request.get_header_value("Authorization"));
    }
    struct Leave {
      Impl& impl;
      ~Leave() {
        const std::lock_guard lock(impl.mutex);
        --impl.in_flight;
      }
    } leave{*this};

    const auto respond = [&](int status, const std::string& body) {
      http_response.status = status;
      http_response.set_content(body, "application/json");
      count(status);
    };
    if (!options.api_key.empty() && http_request.get_header_value("Authorization") != "Bearer " + options.api_key) {
      respond(401, error_body("Incorrect API key provided", "invalid_request_error", nullptr, "invalid_api_key"));
      return;
    }
    const json request = json::parse(http_request.body, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded() || !request.is_object()) {
      respond(400, error_body("the request body is not a JSON object", "invalid_request_error"));
      return;
    }
    {
      const std::lock_guard lock(mutex);
      ++stats.by_prompt[last_content(request)];
    }
    if (options.reject_response_format && request.contains("response_format")) {
      respond(400, error_body("response_format is not supported by this server", "invalid_request_error",
                              "response_format"));
      return;
    }
    const Fault fault = next_fault();
    if (!pause(options.latency_seconds)) return drop_connection(http_request);
    switch (fault) {
      case Fault::rate_limit:
        if (!options.retry_after.empty()) http_response.set_header("Retry-After", options.retry_after);
        respond(429, error_body("Rate limit reached (injected)", "requests", nullptr, options.rate_limit_code));
        return;
      case Fault::server_error:
        respond(500, error_body("The server had an error (injected)", "server_error"));
        return;
      case Fault::drop_connection:
        count(0);  // first: the client may look at the stats as soon as the connection closes
        drop_connection(http_request);
        return;
      case Fault::slow:
        if (!pause(options.slow_seconds)) return drop_connection(http_request);
        respond(200, reply_body(request));
        return;
      case Fault::bad_request:
        respond(400, error_body("Invalid 'messages': injected bad request", "invalid_request_error", "messages"));
        return;
      case Fault::status:
        respond(options.fault_status, options.fault_body);
        return;
      case Fault::truncated: {
        const std::string body = reply_body(request);
        respond(200, body.substr(0, body.size() / 2));
        return;
      }
      case Fault::none:
        respond(200, reply_body(request));
        return;
    }
  }
};

ProtocolServer::ProtocolServer(ProtocolServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->generator.seed(impl_->options.fault_seed);
  impl_->https = !impl_->options.cert_file.empty() && !impl_->options.key_file.empty();
  if (impl_->https) {
    impl_->server =
        std::make_unique<httplib::SSLServer>(impl_->options.cert_file.c_str(), impl_->options.key_file.c_str());
    if (!impl_->server->is_valid()) throw std::runtime_error("protocol server: cannot load the certificate or key");
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *impl_->server;
  const int threads = impl_->options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_timeout(impl_->options.keep_alive_seconds);
  // httplib closes a connection after 5 requests by default; API servers keep them open.
  server.set_keep_alive_max_count(1000);
  Impl* impl = impl_.get();
  server.Post("/v1/chat/completions", [impl](const httplib::Request& request, httplib::Response& response) {
    impl->handle(request, response);
  });
  server.Get("/health", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"status":"ok"})", "application/json");
  });
  if (impl_->options.port > 0) {
    if (!server.bind_to_port("127.0.0.1", impl_->options.port)) {
      throw std::runtime_error("protocol server: cannot bind to 127.0.0.1:" + std::to_string(impl_->options.port));
    }
    impl_->port = impl_->options.port;
  } else {
    impl_->port = server.bind_to_any_port("127.0.0.1");
  }
  if (impl_->port <= 0) throw std::runtime_error("protocol server: cannot bind to 127.0.0.1");
  widen_accept_queue(impl_->port);
  impl_->thread = std::thread([impl] { impl->server->listen_after_bind(); });
  // httplib 0.11 has no wait_until_ready(); listening starts right after the thread does.
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

ProtocolServer::~ProtocolServer() { stop(); }

void ProtocolServer::stop() {
  {
    const std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string ProtocolServer::base_url() const {
  return std::string(impl_->https ? "https" : "http") + "://127.0.0.1:" + std::to_string(impl_->port) + "/v1";
}

int ProtocolServer::port() const noexcept { return impl_->port; }

ProtocolServerStats ProtocolServer::stats() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

void ProtocolServer::reset_stats() {
  const std::lock_guard lock(impl_->mutex);
  impl_->stats = ProtocolServerStats{};
  impl_->started = Clock::now();
}

void ProtocolServer::set_fault_probability(double probability) {
  const std::lock_guard lock(impl_->mutex);
  impl_->options.fault_probability = probability;
}

}  // namespace blindspot::test
