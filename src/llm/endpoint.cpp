#include "blindspot/llm/endpoint.hpp"

#include "blindspot/core/error.hpp"

#include <cmath>
#include <string>

namespace blindspot::llm {
namespace {

using core::Error;
using core::ErrorKind;

[[noreturn]] void invalid(const std::string& field, const std::string& problem) {
  throw Error(ErrorKind::usage, "LLM endpoint: " + field + " " + problem);
}

std::string number(double value) {
  std::string text = std::to_string(value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

void require_at_least(const std::string& field, double value, double minimum) {
  if (!std::isfinite(value) || value < minimum) {
    invalid(field, "must be at least " + number(minimum) + " (got " + number(value) + ")");
  }
}

}  // namespace

void validate(const Endpoint& endpoint) {
  const std::string& url = endpoint.base_url;
  if (url.empty()) invalid("base_url", "is empty (e.g. https://api.openai.com/v1; env OPENAI_BASE_URL)");
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? std::string() : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    invalid("base_url", "\"" + url + "\" must start with http:// or https://");
  }
  const std::string rest = url.substr(scheme_end + 3);
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
    invalid("base_url", "\"" + url + "\" has no host");
  }
  if (endpoint.model.empty()) invalid("model", "is empty (e.g. gpt-4o-mini)");
  if (!std::isfinite(endpoint.timeout_seconds) || endpoint.timeout_seconds <= 0) {
    invalid("timeout_seconds", "must be positive (got " + number(endpoint.timeout_seconds) + ")");
  }
  if (endpoint.max_retries < 0)
    invalid("max_retries", "must be at least 0 (got " + std::to_string(endpoint.max_retries) + ")");
  require_at_least("backoff_initial_seconds", endpoint.backoff_initial_seconds, 0);
  require_at_least("backoff_max_seconds", endpoint.backoff_max_seconds, endpoint.backoff_initial_seconds);
  if (endpoint.breaker_failures < 1) {
    invalid("breaker_failures", "must be at least 1 (got " + std::to_string(endpoint.breaker_failures) + ")");
  }
  require_at_least("breaker_seconds", endpoint.breaker_seconds, 0);
  if (endpoint.max_in_flight < 1) {
    invalid("max_in_flight", "must be at least 1 (got " + std::to_string(endpoint.max_in_flight) + ")");
  }
  require_at_least("requests_per_minute", endpoint.requests_per_minute, 0);
  require_at_least("tokens_per_minute", endpoint.tokens_per_minute, 0);
  if (!endpoint.ca_file.empty()) {
    if (scheme != "https") invalid("ca_file", "is set but base_url \"" + url + "\" is not https");
    std::error_code error;
    if (!std::filesystem::is_regular_file(endpoint.ca_file, error)) {
      invalid("ca_file", "\"" + endpoint.ca_file.string() + "\" is not a readable file");
    }
  }
}

}  // namespace blindspot::llm
