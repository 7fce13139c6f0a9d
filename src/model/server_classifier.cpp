#include "server_classifier.hpp"

#include "remote_classifier.hpp"
#include "server_protocol.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/llm/backoff.hpp"
#include "blindspot/llm/circuit_breaker.hpp"
#include "blindspot/llm/http_transport.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

namespace blindspot::model::detail {
namespace {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

// 408 timeout, 429 too many requests and 5xx are a server's "not now"; other 4xx will not change.
bool retryable_status(int status) { return status == 408 || status == 429 || status >= 500; }

// No answer from the server itself: no connection, a dropped one, or a gateway's 502 or 504.
bool unreachable(const llm::HttpReply& reply) {
  return reply.status == 0 ? reply.unreachable : reply.status == 502 || reply.status == 504;
}

std::string describe_reply(const llm::HttpReply& reply) {
  if (reply.status == 0) return reply.network_error;
  const std::string text = server_error_text(reply.body);
  return text.empty() ? fmt::format("HTTP {}", reply.status) : fmt::format("HTTP {}: {}", reply.status, text);
}

std::string api_key(const RemoteOptions& options) {
  if (options.api_key_env.empty()) return {};
  const char* value = std::getenv(options.api_key_env.c_str());
  if (value == nullptr || *value == '\0') {
    throw Error(ErrorKind::usage, fmt::format("--model-api-key-env: the environment variable {} is not set (it "
                                              "should hold the inference server's API key)",
                                              options.api_key_env));
  }
  return value;
}

llm::HttpSettings http_settings(const RemoteOptions& options, double timeout_seconds) {
  llm::HttpSettings settings;
  settings.timeout_seconds = timeout_seconds;
  settings.ca_file = options.ca_file;
  settings.bearer_token = api_key(options);
  settings.ca_file_setting = "--model-ca-file";
  settings.timeout_setting = "--model-timeout";
  return settings;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The start: readiness, then metadata, both within start_timeout_seconds.
class Startup {
 public:
  Startup(const ServerUrl& url, const RemoteOptions& options, std::string who)
      : url_(url),
        options_(options),
        who_(std::move(who)),
        transport_(url.origin, startup_settings(options)),
        started_(Clock::now()) {}

  void wait_until_ready() {
    const std::string request = "GET " + url_.origin + url_.ready_path();
    for (int poll = 0;; ++poll) {
      const llm::HttpReply reply = transport_.get(url_.ready_path());
      if (reply.status == 200) return;
      const bool retryable = reply.status == 0 ? reply.retryable_network_error : reply.status != 401 &&
                                                                                      reply.status != 403 &&
                                                                                      reply.status != 404;
      if (!retryable) {
        throw Error(ErrorKind::remote, fmt::format("{}: {} failed: {}", who_, request, describe_reply(reply)));
      }
      if (!pause(poll)) {
        throw Error(ErrorKind::remote,
                    fmt::format("{} is not ready after {:.3g} s (--model-start-timeout); last {}: {}", who_,
                                seconds_since(started_), request, describe_reply(reply)));
      }
    }
  }

  nlohmann::json read_metadata() {
    const std::string request = "GET " + url_.url();
    for (int poll = 0;; ++poll) {
      const llm::HttpReply reply = transport_.get(url_.model_path);
      if (reply.status == 200) {
        nlohmann::json metadata = nlohmann::json::parse(reply.body, nullptr, false);
        if (metadata.is_object()) return metadata;
        throw Error(ErrorKind::remote, fmt::format("{}: {} answered with a body that is not a JSON object", who_,
                                                   request));
      }
      if (reply.status == 404) {
        throw Error(ErrorKind::remote,
                    fmt::format("{}: the server has no model {}{} ({}: {})", who_, url_.model,
                                url_.version.empty() ? "" : " version " + url_.version, request, describe_reply(reply)));
      }
      const bool retryable = reply.status == 0 ? reply.retryable_network_error : retryable_status(reply.status);
      if (!retryable || !pause(poll)) {
        throw Error(ErrorKind::remote, fmt::format("{}: {} failed: {}", who_, request, describe_reply(reply)));
      }
    }
  }

 private:
  static llm::HttpSettings startup_settings(const RemoteOptions& options) {
    return http_settings(options, std::min(options.timeout_seconds, options.start_timeout_seconds));
  }

  // Sleeps before poll `poll` + 1 (0.05 s doubling to 1 s); false when the start time is up.
  bool pause(int poll) const {
    const double left = options_.start_timeout_seconds - seconds_since(started_);
    if (left <= 0) return false;
    const double wait = std::min({0.05 * static_cast<double>(1 << std::min(poll, 5)), 1.0, left});
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    return true;
  }

  const ServerUrl& url_;
  const RemoteOptions& options_;
  std::string who_;
  llm::HttpTransport transport_;
  Clock::time_point started_;
};

std::string default_description(const ServerModel& model) {
  return "a text classifier served over the Open Inference Protocol" +
         (model.platform.empty() ? std::string() : " (" + model.platform + ")");
}

class ServerClassifier final : public RemoteClassifier {
 public:
  ServerClassifier(const std::string& spec, const RemoteOptions& options, ServerUrl url, ServerModel model)
      : RemoteClassifier(ModelIdentity{spec, model.name, model.version,
                                       options.description.empty() ? default_description(model) : options.description},
                         options),
        url_(std::move(url)),
        model_(std::move(model)),
        transport_(url_.origin, http_settings(options, options.timeout_seconds)),
        backoff_(options.backoff_initial_seconds, options.backoff_max_seconds, std::random_device{}()),
        breaker_(url_.url(), options.breaker_failures, options.breaker_seconds) {
    set_labels(model_.labels);
  }

  ~ServerClassifier() override { stop_batching(); }

  std::string kind() const override { return "server"; }

 protected:
  std::vector<Probabilities> score(const std::vector<std::string>& texts) override {
    const std::string id = fmt::format("blindspot-{}", next_id_.fetch_add(1) + 1);
    const std::string body = infer_request_body(id, texts, model_);
    const auto request = [&] {
      return fmt::format("POST {}{} (request {}, {} texts)", url_.origin, url_.infer_path(), id, texts.size());
    };
    std::string first_failure;
    for (int retry = 0;; ++retry) {
      breaker_.throw_if_open();
      const auto attempt_started = Clock::now();
      const llm::HttpReply reply = transport_.post(url_.infer_path(), body);
      if (reply.status != 0 && !unreachable(reply)) breaker_.record_answer();
      if (reply.status == 200) return parse(reply.body, texts.size(), request());
      const std::string failure = describe_reply(reply);
      if (first_failure.empty()) first_failure = failure;
      const bool retryable = reply.status == 0 ? reply.retryable_network_error : retryable_status(reply.status);
      const bool giving_up = !retryable || retry >= options().max_retries;
      // Open, the breaker fails this batch, and through the batch queue every caller, at once.
      if (unreachable(reply)) breaker_.record_unreachable(failure, attempt_started, giving_up);
      if (giving_up) {
        std::string message = fmt::format("{}: {} failed", who(), request());
        if (retry > 0) message += fmt::format(" after {} attempts", retry + 1);
        message += retryable ? (retry > 0 ? " (--model-retries exhausted): " : ": ") : " (not retryable): ";
        message += failure;
        if (first_failure != failure) message += "; first attempt: " + first_failure;
        throw Error(ErrorKind::remote, message);
      }
      breaker_.sleep_before_retry(backoff_.delay_seconds(retry, reply.retry_after_seconds));
    }
  }

 private:
  std::vector<Probabilities> parse(const std::string& body, std::size_t texts, const std::string& request) const {
    try {
      return parse_infer_reply(body, texts, labels().size(), model_);
    } catch (const Error& error) {
      throw Error(ErrorKind::remote, fmt::format("{}: {}: bad reply: {}", who(), request, error.message()));
    }
  }

  ServerUrl url_;
  ServerModel model_;
  llm::HttpTransport transport_;
  llm::Backoff backoff_;
  llm::CircuitBreaker breaker_;
  std::atomic<std::uint64_t> next_id_{0};
};

}  // namespace

std::unique_ptr<Classifier> open_server_model(const std::string& spec, const RemoteOptions& options) {
  ServerUrl url = parse_server_url(spec);
  const std::string who = "server " + url.url();
  Startup startup(url, options, who);
  startup.wait_until_ready();
  const nlohmann::json metadata = startup.read_metadata();
  ServerModel model = read_server_metadata(metadata, url, options, who);
  return std::make_unique<ServerClassifier>(spec, options, std::move(url), std::move(model));
}

}  // namespace blindspot::model::detail
