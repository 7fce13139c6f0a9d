#include "blindspot/llm/endpoint.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using llm::Endpoint;
using testing::HasSubstr;

namespace {

Endpoint good() {
  Endpoint endpoint;
  endpoint.base_url = "https://api.openai.com/v1";
  endpoint.model = "gpt-4o-mini";
  return endpoint;
}

std::string problem(const std::function<void(Endpoint&)>& change) {
  Endpoint endpoint = good();
  change(endpoint);
  const core::Error error = test::expect_error([&] { llm::validate(endpoint); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  return error.what();
}

}  // namespace

TEST(Endpoint, DefaultsWithUrlAndModelAreValid) {
  EXPECT_NO_THROW(llm::validate(good()));
  Endpoint local = good();
  local.base_url = "http://127.0.0.1:8080/v1";
  EXPECT_NO_THROW(llm::validate(local));
  const Endpoint defaults;
  EXPECT_EQ(defaults.max_in_flight, 4);
  EXPECT_EQ(defaults.max_retries, 6);
  EXPECT_DOUBLE_EQ(defaults.timeout_seconds, 120);
}

TEST(Endpoint, InvalidFieldsAreUsageErrorsNamingTheField) {
  EXPECT_THAT(problem([](Endpoint& e) { e.base_url.clear(); }), HasSubstr("LLM endpoint: base_url is empty"));
  EXPECT_THAT(problem([](Endpoint& e) { e.base_url = "ftp://host/v1"; }),
              HasSubstr("base_url \"ftp://host/v1\" must start with http:// or https://"));
  EXPECT_THAT(problem([](Endpoint& e) { e.base_url = "api.openai.com/v1"; }), HasSubstr("must start with http://"));
  EXPECT_THAT(problem([](Endpoint& e) { e.base_url = "http:///v1"; }), HasSubstr("has no host"));
  EXPECT_THAT(problem([](Endpoint& e) { e.model.clear(); }), HasSubstr("model is empty"));
  EXPECT_THAT(problem([](Endpoint& e) { e.timeout_seconds = 0; }),
              HasSubstr("timeout_seconds must be positive (got 0)"));
  EXPECT_THAT(problem([](Endpoint& e) { e.max_retries = -1; }), HasSubstr("max_retries must be at least 0 (got -1)"));
  EXPECT_THAT(problem([](Endpoint& e) { e.max_in_flight = 0; }), HasSubstr("max_in_flight must be at least 1 (got 0)"));
  EXPECT_THAT(problem([](Endpoint& e) { e.requests_per_minute = -5; }),
              HasSubstr("requests_per_minute must be at least 0 (got -5)"));
  EXPECT_THAT(problem([](Endpoint& e) { e.tokens_per_minute = -1; }), HasSubstr("tokens_per_minute"));
  EXPECT_THAT(problem([](Endpoint& e) { e.backoff_initial_seconds = -1; }), HasSubstr("backoff_initial_seconds"));
  EXPECT_THAT(problem([](Endpoint& e) { e.backoff_max_seconds = 0.5; }),
              HasSubstr("backoff_max_seconds must be at least 1 (got 0.5)"));
  EXPECT_THAT(problem([](Endpoint& e) { e.ca_file = "/nonexistent/ca.pem"; }),
              HasSubstr("ca_file \"/nonexistent/ca.pem\" is not a readable file"));
  EXPECT_THAT(problem([](Endpoint& e) {
                e.base_url = "http://127.0.0.1/v1";
                e.ca_file = "/etc/hostname";
              }),
              HasSubstr("ca_file is set but base_url \"http://127.0.0.1/v1\" is not https"));
}
