#include "blindspot/llm/client.hpp"

#include "blindspot/llm/circuit_breaker.hpp"

#include "backoff.hpp"
#include "budget.hpp"
#include "call_store.hpp"
#include "http_transport.hpp"
#include "rate_limiter.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <semaphore>
#include <thread>
#include <unordered_map>

namespace blindspot::llm {
namespace {

using core::Error;
using core::ErrorKind;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// OpenAI's rule of thumb for English: about 4 characters a token. Each message adds a few tokens
// of chat framing (OpenAI's cookbook counts 3); 4 keeps the estimate on the safe side.
constexpr double kCharactersPerToken = 4;
constexpr double kTokensPerMessage = 4;
// rpm spacing: one request at a time, evenly spaced, because providers enforce their per-minute
// limits over shorter windows. tpm: ten seconds' worth of tokens may go out at once.
constexpr double kRequestBurst = 1;
constexpr double kTokenBurstSeconds = 10;

double estimated_prompt_tokens(const ChatRequest& request) {
  double characters = static_cast<double>(request.json_schema.size());
  for (const Message& message : request.messages) characters += static_cast<double>(message.content.size());
  return std::ceil(characters / kCharactersPerToken) + kTokensPerMessage * static_cast<double>(request.messages.size());
}

// The server's own words from an OpenAI-style error body {"error":{"message":..,"type":..}};
// otherwise the start of whatever it sent.
struct ServerError {
  std::string message;
  std::string type;   // error.type
  std::string code;   // error.code (text or number)
  std::string param;  // error.param
};

std::string text_of(const json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) return {};
  const json& value = object.at(name);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return {};
}

ServerError server_error(const std::string& body) {
  ServerError error;
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("error")) {
    const json& details = parsed.at("error");
    if (details.is_string()) {
      error.message = details.get<std::string>();
    } else {
      error.message = text_of(details, "message");
      error.type = text_of(details, "type");
      error.code = text_of(details, "code");
      error.param = text_of(details, "param");
    }
    return error;
  }
  constexpr std::size_t kExcerpt = 200;
  error.message = body.size() > kExcerpt ? body.substr(0, kExcerpt) + "..." : body;
  return error;
}

std::string describe_status(int status, const ServerError& error) {
  std::string text = fmt::format("HTTP {}", status);
  if (!error.type.empty()) text += ": " + error.type;
  if (!error.message.empty()) text += ": " + error.message;
  return text;
}

bool rejects_response_format(int status, const ServerError& error) {
  if (status != 400 && status != 422) return false;
  const auto names = [](const std::string& text) {
    return text.find("response_format") != std::string::npos || text.find("json_schema") != std::string::npos;
  };
  return names(error.param) || names(error.message) || names(error.code);
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The request does not fit the model's context: llama-server says so with a 500 "Context size
// has been exceeded." when a slot fills up while generating (server-context.cpp) and with a 400
// exceed_context_size_error when the prompt alone is too long; OpenAI with a 400
// context_length_exceeded. The same request will never fit.
bool context_exceeded(const ServerError& error) {
  for (const std::string& name : {error.type, error.code}) {
    if (name == "exceed_context_size_error" || name == "context_length_exceeded") return true;
  }
  return lowercase(error.message).find("context size has been exceeded") != std::string::npos;
}

// 408 timeout, 409 conflict (OpenAI: "retry"), 429 rate limit and 5xx are the server's way of
// saying "not now". A 429 for an exhausted quota will not get better by waiting, nor will a
// request too long for the context. Other 4xx (400, 401, 403, 404, 413, 422) are about the
// request or the account, which a retry does not change.
bool retryable_status(int status, const ServerError& error) {
  if (context_exceeded(error)) return false;
  if (status == 429) return error.code != "insufficient_quota" && error.type != "insufficient_quota";
  return status == 408 || status == 409 || status >= 500;
}

// A gateway's "the server behind me is gone" (502) or "did not answer me" (504): for the
// breaker, the server was not reached.
bool gateway_lost_the_server(int status) { return status == 502 || status == 504; }

// Why one attempt brought no chat.completion.
struct AttemptFailure {
  std::string text;
  bool retryable = true;
  bool unreachable = false;  // counts for the circuit breaker
  std::string hint;          // what to do about a failure that is not retried
};

AttemptFailure status_failure(int status, const ServerError& error) {
  AttemptFailure failure{describe_status(status, error), retryable_status(status, error),
                         gateway_lost_the_server(status), {}};
  if (context_exceeded(error)) {
    failure.hint = ": the prompt and max_tokens do not fit the server's context (shorten the prompt, lower "
                   "max_tokens or give the server a larger context, e.g. llama-server -c)";
  }
  return failure;
}

std::string calls_text(std::size_t count) { return fmt::format("{} call{}", count, count == 1 ? "" : "s"); }

std::string usd(double amount) { return fmt::format("{:.6f}", amount); }

// A slot of the in-flight bound, released on every path out of an attempt.
class SlotGuard {
 public:
  explicit SlotGuard(std::counting_semaphore<>& slots) : slots_(slots) { slots_.acquire(); }
  ~SlotGuard() { slots_.release(); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  std::counting_semaphore<>& slots_;
};

std::string chat_completions_path(const std::string& base_url) {
  std::string path = split_url(base_url).path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path + "/chat/completions";
}

HttpSettings transport_settings(const Endpoint& endpoint) {
  HttpSettings settings;
  settings.timeout_seconds = endpoint.timeout_seconds;
  settings.ca_file = endpoint.ca_file;
  settings.bearer_token = endpoint.api_key;
  return settings;
}

// Gives each repeated request of a batch the reply of its first occurrence, the one sent, as a
// cached reply that cost nothing; returns how many replies were shared.
std::int64_t share_replies(std::vector<CallResult>& results, const std::vector<std::string>& keys,
                           const std::unordered_map<std::string, std::size_t>& first_of_key) {
  std::int64_t shared = 0;
  for (std::size_t index = 0; index < results.size(); ++index) {
    const std::size_t first = first_of_key.at(keys[index]);
    if (first == index) continue;
    results[index] = results[first];
    if (!results[index].response) continue;
    ChatResponse& copy = *results[index].response;
    copy.cached = true;
    copy.attempts = 0;
    copy.latency_seconds = 0;
    copy.cost_usd = 0;
    ++shared;
  }
  return shared;
}

}  // namespace

BudgetExceeded::BudgetExceeded(const std::string& message) : core::Error(ErrorKind::usage, message) {}

struct ChatClient::Impl {
  Endpoint endpoint;
  PriceTable prices;
  ClientOptions options;
  std::string chat_path;  // "/v1/chat/completions"
  std::string chat_url;
  detail::HttpTransport transport;
  detail::CallStore calls;
  detail::Backoff backoff;
  CircuitBreaker breaker;
  detail::Budget budget;
  std::optional<detail::RateLimiter> request_limiter;
  std::optional<detail::RateLimiter> token_limiter;
  std::counting_semaphore<> slots;
  // A Retry-After holds back every call, not just the one that got it: the server's limit is
  // shared, and the other workers would only collect 429s of their own.
  std::mutex pause_mutex;
  Clock::time_point paused_until;
  // Flipped once, when the server rejects response_format; never back (the server will not change).
  std::atomic<bool> response_format_supported{true};
  mutable std::mutex ledger_mutex;
  Ledger ledger;

  Impl(Endpoint endpoint_in, store::Database& store, std::int64_t run_id, PriceTable prices_in,
       ClientOptions options_in)
      : endpoint(std::move(endpoint_in)),
        prices(std::move(prices_in)),
        options(options_in),
        chat_path(chat_completions_path(endpoint.base_url)),
        chat_url(split_url(endpoint.base_url).origin + chat_path),
        transport(split_url(endpoint.base_url).origin, transport_settings(endpoint)),
        calls(store, run_id),
        backoff(endpoint.backoff_initial_seconds, endpoint.backoff_max_seconds, options.jitter_seed),
        breaker(chat_url, endpoint.breaker_failures, endpoint.breaker_seconds),
        budget(options.max_usd),
        slots(endpoint.max_in_flight) {
    if (endpoint.requests_per_minute > 0) request_limiter.emplace(endpoint.requests_per_minute, kRequestBurst);
    if (endpoint.tokens_per_minute > 0) {
      token_limiter.emplace(endpoint.tokens_per_minute, endpoint.tokens_per_minute / 60.0 * kTokenBurstSeconds);
    }
  }

  void wait_out_pause() {
    Clock::time_point until;
    {
      const std::lock_guard lock(pause_mutex);
      until = paused_until;
    }
    if (until > Clock::now()) std::this_thread::sleep_until(until);
  }

  void pause_all(double seconds) {
    const auto until =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    const std::lock_guard lock(pause_mutex);
    paused_until = std::max(paused_until, until);
  }

  template <typename Change>
  void update_ledger(Change change) {
    const std::lock_guard lock(ledger_mutex);
    change(ledger);
  }

  std::string request_name(const std::string& key) const {
    return fmt::format("POST {} (model {}, key {})", chat_url, endpoint.model, key.substr(0, 12));
  }

  double estimated_cost_usd(const ChatRequest& request) const {
    const Usage worst{static_cast<std::int64_t>(estimated_prompt_tokens(request)), request.max_tokens};
    return prices.cost(endpoint.model, worst).value_or(0);
  }

  ChatResponse complete(const ChatRequest& request, const std::string& key) {
    if (auto cached = calls.find(key)) {
      update_ledger([&](Ledger& totals) {
        ++totals.cached_calls;
        totals.stored_usage.prompt_tokens += cached->usage.prompt_tokens;
        totals.stored_usage.completion_tokens += cached->usage.completion_tokens;
        totals.stored_cost_usd += cached->cost_usd;
        totals.stored_unpriced = totals.stored_unpriced || !cached->priced;
      });
      cached->cost_usd = 0;  // this call paid nothing
      return std::move(*cached);
    }
    const double estimate_usd = estimated_cost_usd(request);
    if (!budget.reserve(estimate_usd)) {
      update_ledger([](Ledger& totals) { ++totals.skipped_calls; });
      throw BudgetExceeded(fmt::format(
          "{}: not sent: it could cost up to {} USD (prompt about {} tokens, max_tokens {}), and {} USD of the "
          "{} USD budget (max_usd) is spent",
          request_name(key), usd(estimate_usd), estimated_prompt_tokens(request), request.max_tokens,
          usd(budget.spent_usd()), usd(budget.max_usd())));
    }
    try {
      return send(request, key, estimate_usd);
    } catch (...) {
      budget.release(estimate_usd);
      update_ledger([](Ledger& totals) { ++totals.failed_calls; });
      throw;
    }
  }

  // Attempts until a chat.completion arrives, a failure is final, the retries run out or the
  // breaker opens (ServerStoppedAnswering).
  ChatResponse send(const ChatRequest& request, const std::string& key, double estimate_usd) {
    const double estimate_tokens = estimated_prompt_tokens(request) + request.max_tokens;
    const auto started = Clock::now();
    std::string first_failure;
    int attempts = 0;
    for (int retry = 0;;) {
      const bool with_format = response_format_supported.load();
      const std::string body = request_body(endpoint.model, request, with_format);
      wait_out_pause();
      if (request_limiter) request_limiter->acquire(1);
      if (token_limiter) token_limiter->acquire(estimate_tokens);
      breaker.throw_if_open();
      detail::HttpReply reply;
      Clock::time_point attempt_started;
      {
        const SlotGuard slot(slots);
        attempt_started = Clock::now();
        reply = transport.post(chat_path, body);
      }
      ++attempts;
      update_ledger([](Ledger& totals) { ++totals.http_attempts; });
      if (reply.status != 0 && !gateway_lost_the_server(reply.status)) breaker.record_answer();

      AttemptFailure failure;
      if (reply.status == 200) {
        try {
          ChatResponse response = parse_response_body(reply.body);
          return accept(request, key, std::move(response), body, reply.body, with_format, attempts, started,
                        estimate_usd, estimate_tokens);
        } catch (const Error& error) {
          if (error.kind() != ErrorKind::remote) throw;
          // A truncated or garbled 200 is a transport accident, not the server's answer.
          failure.text = "HTTP 200 but " + error.message();
        }
      } else if (reply.status == 0) {
        failure = {reply.network_error, reply.retryable_network_error, reply.unreachable, {}};
      } else {
        const ServerError error = server_error(reply.body);
        if (with_format && !request.json_schema.empty() && rejects_response_format(reply.status, error)) {
          // Not a retry: the next attempt is a different request (schema in the prompt).
          response_format_supported = false;
          continue;
        }
        failure = status_failure(reply.status, error);
      }
      if (first_failure.empty()) first_failure = failure.text;
      const bool giving_up = !failure.retryable || retry >= endpoint.max_retries;
      if (failure.unreachable) breaker.record_unreachable(failure.text, attempt_started, giving_up);
      if (giving_up) throw Error(ErrorKind::remote, failure_message(key, attempts, failure, first_failure));
      if (reply.retry_after_seconds && *reply.retry_after_seconds > 0) pause_all(*reply.retry_after_seconds);
      breaker.sleep_before_retry(backoff.delay_seconds(retry, reply.retry_after_seconds));
      ++retry;
    }
  }

  std::string failure_message(const std::string& key, int attempts, const AttemptFailure& last,
                              const std::string& first) const {
    if (attempts == 1) return fmt::format("{}: {} (not retried{})", request_name(key), last.text, last.hint);
    std::string text = fmt::format("{}: failed after {} attempts ({}): {}", request_name(key), attempts,
                                   last.retryable ? "max_retries exhausted" : "not retryable" + last.hint, last.text);
    if (first != last.text) text += "; first attempt: " + first;
    return text;
  }

  // The one message of every call the open breaker stopped: what happened, what was kept.
  std::string stopped_message(std::size_t calls_not_made) const {
    const std::int64_t received = [&] {
      const std::lock_guard lock(ledger_mutex);
      return ledger.http_calls;
    }();
    return fmt::format("{} ({} not made; the {} received {} stored, rerun to resume)", breaker.outage(),
                       calls_text(calls_not_made), received == 1 ? "1 reply" : fmt::format("{} replies", received),
                       received == 1 ? "is" : "are");
  }

  ChatResponse accept(const ChatRequest& request, const std::string& key, ChatResponse response,
                      const std::string& request_json, const std::string& response_json, bool with_format, int attempts,
                      Clock::time_point started, double estimate_usd, double estimate_tokens) {
    response.key = key;
    response.structured = with_format || request.json_schema.empty();
    response.attempts = attempts;
    response.latency_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    // The server names the model that answered (a dated snapshot of the alias asked for); its
    // price is the right one when the table knows it.
    const bool answered_priced = !response.model.empty() && prices.find(response.model).has_value();
    const std::string& priced_model = answered_priced ? response.model : endpoint.model;
    const std::optional<double> cost = prices.cost(priced_model, response.usage);
    response.priced = cost.has_value();
    response.cost_usd = cost.value_or(0);
    if (token_limiter) {
      token_limiter->adjust(static_cast<double>(response.usage.prompt_tokens + response.usage.completion_tokens) -
                            estimate_tokens);
    }
    budget.settle(estimate_usd, response.cost_usd);
    update_ledger([&](Ledger& totals) {
      ++totals.http_calls;
      totals.usage.prompt_tokens += response.usage.prompt_tokens;
      totals.usage.completion_tokens += response.usage.completion_tokens;
      totals.cost_usd += response.cost_usd;
      totals.unpriced = totals.unpriced || !response.priced;
    });
    detail::CallRecord record;
    record.base_url = endpoint.base_url;
    record.model = endpoint.model;
    record.request_body = request_json;
    record.response_body = response_json;
    record.response = response;
    record.cost_usd = cost;
    calls.save(record);
    return response;
  }
};

ChatClient::ChatClient(Endpoint endpoint, store::Database& store, std::int64_t run_id, PriceTable prices,
                       ClientOptions options) {
  validate(endpoint);
  if (!std::isfinite(options.max_usd) || options.max_usd < 0) {
    throw Error(ErrorKind::usage, fmt::format("max_usd must be at least 0 (got {})", options.max_usd));
  }
  if (options.max_usd > 0 && !prices.find(endpoint.model)) {
    throw Error(ErrorKind::usage,
                fmt::format("max_usd is set but model \"{}\" has no price; add [models.\"{}\"] to the price table "
                            "(docs/llm.md)",
                            endpoint.model, endpoint.model));
  }
  impl_ = std::make_unique<Impl>(std::move(endpoint), store, run_id, std::move(prices), options);
}

ChatClient::~ChatClient() = default;

ChatResponse ChatClient::complete(const ChatRequest& request) {
  try {
    return impl_->complete(request, cache_key(impl_->endpoint.base_url, impl_->endpoint.model, request));
  } catch (const ServerStoppedAnswering&) {
    throw ServerStoppedAnswering(impl_->stopped_message(1));
  }
}

std::vector<CallResult> ChatClient::complete_all(const std::vector<ChatRequest>& requests,
                                                 const core::ProgressCallback& progress) {
  std::vector<CallResult> results(requests.size());
  std::vector<std::string> keys;
  keys.reserve(requests.size());
  // Identical requests in one batch are sent once; the others reuse the reply.
  std::unordered_map<std::string, std::size_t> first_of_key;
  std::vector<std::size_t> unique;
  for (std::size_t index = 0; index < requests.size(); ++index) {
    keys.push_back(cache_key(impl_->endpoint.base_url, impl_->endpoint.model, requests[index]));
    if (first_of_key.emplace(keys.back(), index).second) unique.push_back(index);
  }

  // Calls the open breaker stopped; they all get one message once the workers are done.
  std::vector<char> stopped(requests.size(), 0);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex report_mutex;
  std::exception_ptr failure;
  std::size_t done = 0;
  const auto work = [&] {
    while (!stop) {
      const std::size_t slot = next++;
      if (slot >= unique.size()) return;
      const std::size_t index = unique[slot];
      try {
        results[index].response = impl_->complete(requests[index], keys[index]);
      } catch (const BudgetExceeded&) {
        results[index].over_budget = true;
      } catch (const ServerStoppedAnswering&) {
        stopped[index] = 1;
      } catch (const Error& error) {
        if (error.kind() == ErrorKind::remote) {
          results[index].error = error;
        } else {
          // A store or usage error would hit every call alike: stop and report it once.
          const std::lock_guard lock(report_mutex);
          if (!failure) failure = std::current_exception();
          stop = true;
        }
      } catch (...) {
        const std::lock_guard lock(report_mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
      const std::lock_guard lock(report_mutex);
      ++done;
      if (progress) progress("llm calls", done, unique.size());
    }
  };
  const std::size_t thread_count = std::min(unique.size(), static_cast<std::size_t>(impl_->endpoint.max_in_flight));
  if (thread_count <= 1) {
    work();
  } else {
    std::vector<std::jthread> threads;
    threads.reserve(thread_count);
    for (std::size_t t = 0; t < thread_count; ++t) threads.emplace_back(work);
  }
  if (failure) std::rethrow_exception(failure);
  const auto not_made = static_cast<std::size_t>(std::count(stopped.begin(), stopped.end(), 1));
  if (not_made > 0) {
    const ServerStoppedAnswering error(impl_->stopped_message(not_made));
    for (std::size_t index = 0; index < requests.size(); ++index) {
      if (stopped[index] != 0) results[index].error = error;
    }
  }

  const std::int64_t shared = share_replies(results, keys, first_of_key);
  if (shared > 0) impl_->update_ledger([shared](Ledger& totals) { totals.cached_calls += shared; });
  return results;
}

const Endpoint& ChatClient::endpoint() const noexcept { return impl_->endpoint; }

Ledger ChatClient::ledger() const {
  const std::lock_guard lock(impl_->ledger_mutex);
  return impl_->ledger;
}

}  // namespace blindspot::llm
