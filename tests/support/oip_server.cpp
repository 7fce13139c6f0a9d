#include "support/oip_server.hpp"

#include "support/http_sockets.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace blindspot::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string error_body(const std::string& message) { return json{{"error", message}}.dump(); }

}  // namespace

const char* to_string(OipFault fault) noexcept {
  switch (fault) {
    case OipFault::none:
      return "none";
    case OipFault::rate_limit:
      return "rate_limit";
    case OipFault::server_error:
      return "server_error";
    case OipFault::drop_connection:
      return "drop_connection";
    case OipFault::slow:
      return "slow";
    case OipFault::wrong_datatype:
      return "wrong_datatype";
    case OipFault::wrong_shape:
      return "wrong_shape";
  }
  return "none";
}

struct OipServer::Impl {
  OipServerOptions options;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  Clock::time_point started = Clock::now();

  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  OipServerStats stats;
  int in_flight = 0;
  int serving = 0;  // requests holding a replica
  std::size_t script_position = 0;

  // Sleeps unless the server stops first; false when it is stopping.
  bool pause(double seconds) {
    if (seconds <= 0) return true;
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return stopping; });
  }

  OipFault next_fault() {
    const std::lock_guard lock(mutex);
    if (script_position < options.fault_script.size()) return options.fault_script[script_position++];
    return options.every_request;
  }

  void note(const httplib::Request& request) {
    const std::lock_guard lock(mutex);
    stats.authorization.push_back(request.get_header_value("Authorization"));
    stats.paths.push_back(request.method + " " + request.path);
  }

  bool authorised(const httplib::Request& request, httplib::Response& response) const {
    if (options.api_key.empty() || request.get_header_value("Authorization") == "Bearer " + options.api_key) {
      return true;
    }
    response.status = 401;
    response.set_content(error_body("missing or wrong API key"), "application/json");
    return false;
  }

  // The model named by the path: NAME, optionally with one of its versions.
  bool known_model(const httplib::Request& request, httplib::Response& response) const {
    const std::string name = request.matches[1];
    const std::string version = request.matches.size() > 2 ? std::string(request.matches[2]) : "";
    const bool known_version =
        version.empty() || std::find(options.versions.begin(), options.versions.end(), version) != options.versions.end();
    if (name == options.name && known_version) return true;
    response.status = 404;
    response.set_content(error_body("Request for unknown model: '" + name + "'" +
                                    (version.empty() ? "" : " version " + version) + " is not found"),
                         "application/json");
    return false;
  }

  json metadata() const {
    json labels = options.model->labels().names();
    json output = {{"name", options.output_name},
                   {"datatype", options.output_datatype},
                   {"shape", {-1, static_cast<int>(options.model->labels().size())}}};
    if (options.labels_in == "output") output["parameters"] = {{"labels", labels}};
    json outputs = json::array({output});
    if (!options.extra_output_name.empty()) {
      outputs.push_back({{"name", options.extra_output_name}, {"datatype", "INT64"}, {"shape", {-1}}});
    }
    json body = {{"name", options.name},
                 {"versions", options.versions},
                 {"platform", options.platform},
                 {"inputs", json::array({{{"name", options.input_name},
                                          {"datatype", options.input_datatype},
                                          {"shape", options.input_shape}}})},
                 {"outputs", outputs}};
    if (options.labels_in == "model") body["parameters"] = {{"labels", labels}};
    return body;
  }

  void handle_ready(const httplib::Request& request, httplib::Response& response) {
    note(request);
    {
      const std::lock_guard lock(mutex);
      ++stats.ready_requests;
    }
    if (!authorised(request, response)) return;
    const bool ready = std::chrono::duration<double>(Clock::now() - started).count() >= options.not_ready_seconds;
    response.status = ready ? 200 : 503;
    response.set_content(json{{"ready", ready}}.dump(), "application/json");
  }

  void handle_metadata(const httplib::Request& request, httplib::Response& response) {
    note(request);
    {
      const std::lock_guard lock(mutex);
      ++stats.metadata_requests;
    }
    if (!authorised(request, response) || !known_model(request, response)) return;
    response.set_content(metadata().dump(), "application/json");
  }

  // Waits for a free replica (or none when replicas is 0); false when the server stops.
  bool take_replica() {
    std::unique_lock lock(mutex);
    if (options.replicas <= 0) return true;
    wake.wait(lock, [&] { return stopping || serving < options.replicas; });
    if (stopping) return false;
    ++serving;
    return true;
  }

  void give_back_replica() {
    {
      const std::lock_guard lock(mutex);
      if (options.replicas <= 0) return;
      --serving;
    }
    wake.notify_all();
  }

  void handle_infer(const httplib::Request& request, httplib::Response& response) {
    note(request);
    {
      const std::lock_guard lock(mutex);
      ++stats.infer_requests;
      ++in_flight;
      stats.max_in_flight = std::max(stats.max_in_flight, in_flight);
    }
    struct Leave {
      Impl& impl;
      ~Leave() {
        const std::lock_guard lock(impl.mutex);
        --impl.in_flight;
      }
    } leave{*this};
    const auto respond = [&](int status, const std::string& body) {
      response.status = status;
      response.set_content(body, "application/json");
      const std::lock_guard lock(mutex);
      ++stats.by_status[status];
    };
    if (!authorised(request, response) || !known_model(request, response)) return;
    const json body = json::parse(request.body, nullptr, false);
    const json* input = nullptr;
    if (body.is_object() && body.contains("inputs") && body["inputs"].is_array()) {
      for (const json& tensor : body["inputs"]) {
        if (tensor.is_object() && tensor.value("name", "") == options.input_name) input = &tensor;
      }
    }
    if (input == nullptr || input->value("datatype", "") != "BYTES" || !(*input)["data"].is_array()) {
      respond(400, error_body("expected a BYTES input \"" + options.input_name + "\" with data"));
      return;
    }
    std::vector<std::string> texts;
    for (const json& text : (*input)["data"]) {
      if (!text.is_string()) {
        respond(400, error_body("input data must be strings"));
        return;
      }
      texts.push_back(text.get<std::string>());
    }
    {
      const std::lock_guard lock(mutex);
      stats.texts_per_request.push_back(texts.size());
    }
    const OipFault fault = next_fault();
    if (!take_replica()) return drop_connection(request);
    struct Release {
      Impl& impl;
      ~Release() { impl.give_back_replica(); }
    } release{*this};
    if (!pause(options.latency_seconds)) return drop_connection(request);
    switch (fault) {
      case OipFault::rate_limit:
        if (!options.retry_after.empty()) response.set_header("Retry-After", options.retry_after);
        respond(429, error_body("too many requests (injected)"));
        return;
      case OipFault::server_error:
        respond(500, error_body("the model crashed (injected)"));
        return;
      case OipFault::drop_connection: {
        {
          const std::lock_guard lock(mutex);
          ++stats.by_status[0];
        }
        drop_connection(request);
        return;
      }
      case OipFault::slow:
        if (!pause(options.slow_seconds)) return drop_connection(request);
        break;
      default:
        break;
    }
    respond(200, infer_reply(body, texts, fault));
  }

  std::string infer_reply(const json& request, const std::vector<std::string>& texts, OipFault fault) const {
    const std::vector<model::Probabilities> rows = options.model->predict_batch(texts, 1);
    const std::size_t classes = options.model->labels().size();
    json data = json::array();
    for (const model::Probabilities& row : rows) {
      for (const double p : row) {
        if (options.output_datatype == "FP32") {
          data.push_back(static_cast<float>(p));
        } else {
          data.push_back(p);
        }
      }
    }
    json shape = {texts.size(), classes};
    std::string datatype = options.output_datatype;
    if (fault == OipFault::wrong_datatype) datatype = "INT64";
    if (fault == OipFault::wrong_shape) shape = {texts.size() * classes};
    const json reply = {{"model_name", options.name},
                        {"model_version", options.versions.empty() ? "" : options.versions.back()},
                        {"id", request.value("id", "")},
                        {"outputs", json::array({{{"name", options.output_name},
                                                  {"datatype", datatype},
                                                  {"shape", shape},
                                                  {"data", data}}})}};
    return reply.dump();
  }
};

OipServer::OipServer(OipServerOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.model == nullptr) throw std::invalid_argument("oip server: no model");
  impl_->options = std::move(options);
  httplib::Server& server = impl_->server;
  const int threads = impl_->options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  Impl* impl = impl_.get();
  server.Get("/v2/health/ready", [impl](const httplib::Request& request, httplib::Response& response) {
    impl->handle_ready(request, response);
  });
  const auto metadata = [impl](const httplib::Request& request, httplib::Response& response) {
    impl->handle_metadata(request, response);
  };
  const auto infer = [impl](const httplib::Request& request, httplib::Response& response) {
    impl->handle_infer(request, response);
  };
  server.Get(R"(/v2/models/([^/]+))", metadata);
  server.Get(R"(/v2/models/([^/]+)/versions/([^/]+))", metadata);
  server.Post(R"(/v2/models/([^/]+)/infer)", infer);
  server.Post(R"(/v2/models/([^/]+)/versions/([^/]+)/infer)", infer);
  if (impl_->options.port > 0) {
    if (!server.bind_to_port(impl_->options.host.c_str(), impl_->options.port)) {
      throw std::runtime_error("oip server: cannot bind to port " + std::to_string(impl_->options.port));
    }
    impl_->port = impl_->options.port;
  } else {
    impl_->port = server.bind_to_any_port(impl_->options.host.c_str());
    if (impl_->port <= 0) throw std::runtime_error("oip server: cannot bind to " + impl_->options.host);
  }
  widen_accept_queue(impl_->port);
  impl_->started = Clock::now();
  impl_->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

OipServer::~OipServer() { stop(); }

void OipServer::stop() {
  {
    const std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string OipServer::origin() const { return "http://" + impl_->options.host + ":" + std::to_string(impl_->port); }

std::string OipServer::model_url() const { return origin() + "/v2/models/" + impl_->options.name; }

int OipServer::port() const noexcept { return impl_->port; }

OipServerStats OipServer::stats() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

void OipServer::reset_stats() {
  const std::lock_guard lock(impl_->mutex);
  impl_->stats = OipServerStats{};
}

}  // namespace blindspot::test
