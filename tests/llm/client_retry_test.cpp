#include "blindspot/llm/client.hpp"

#include "llm_test_support.hpp"
#include "support/protocol_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

using namespace blindspot;
using llm::ChatClient;
using test::Fault;
using test::LlmWorkspace;
using test::ProtocolServer;
using test::ProtocolServerOptions;
using testing::HasSubstr;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

ProtocolServerOptions scripted(std::vector<Fault> faults) {
  ProtocolServerOptions options;
  options.fault_script = std::move(faults);
  return options;
}

}  // namespace

TEST(ChatClientRetry, RateLimitWaitsForRetryAfter) {
  auto options = scripted({Fault::rate_limit});
  options.retry_after = "1";
  ProtocolServer server(options);
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  const auto start = Clock::now();
  const auto response = client.complete(test::user_request("x"));
  const double elapsed = seconds_since(start);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_GE(elapsed, 1.0);  // the backoff alone would wait at most 0.01 s
  EXPECT_LT(elapsed, 1.5);
  EXPECT_GE(response.latency_seconds, 1.0);
  EXPECT_EQ(server.stats().by_status.at(429), 1);
  EXPECT_EQ(client.ledger().http_attempts, 2);
  EXPECT_EQ(client.ledger().http_calls, 1);
}

TEST(ChatClientRetry, RetryAfterHoldsBackTheOtherCallsToo) {
  auto options = scripted({Fault::rate_limit});
  options.retry_after = "1";
  options.latency_seconds = 0.05;
  ProtocolServer server(options);
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.max_in_flight = 2;
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  for (const auto& result : client.complete_all(test::numbered_requests(8))) EXPECT_TRUE(result.ok());
  const auto arrivals = server.stats().arrival_seconds;
  ASSERT_EQ(arrivals.size(), 9U);
  // The 429 arrives at 0.05 s; nothing is sent again before the second it asked for is over.
  for (const double at : arrivals) EXPECT_TRUE(at < 0.2 || at >= 1.0) << at;
  EXPECT_GE(arrivals.back(), 1.0);
}

TEST(ChatClientRetry, ServerErrorsDropsAndTruncatedRepliesAreRetried) {
  ProtocolServer server(scripted({Fault::server_error, Fault::drop_connection, Fault::truncated, Fault::server_error}));
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  const auto response = client.complete(test::user_request("x"));
  EXPECT_EQ(response.content, "echo: x");
  EXPECT_EQ(response.attempts, 5);
  const auto stats = server.stats();
  EXPECT_EQ(stats.requests, 5);
  EXPECT_EQ(stats.by_status.at(500), 2);
  EXPECT_EQ(stats.by_status.at(0), 1);
  EXPECT_EQ(stats.by_status.at(200), 2);  // the truncated one and the good one
  auto attempts = ws.db.prepare("SELECT attempts FROM llm_calls");
  ASSERT_TRUE(attempts.step());
  EXPECT_EQ(attempts.column_int64(0), 5);
}

TEST(ChatClientRetry, TimeoutIsRetried) {
  // The timeout leaves room for a normal reply under TSan on a loaded machine (a 0.3 s timeout
  // also cut off the second, normal attempt there: 3 attempts), and the slow reply comes well
  // after the retry, so the elapsed time tells a retry from waiting for the slow reply.
  auto options = scripted({Fault::slow});
  options.slow_seconds = 6;
  ProtocolServer server(options);
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url(), 1.0), ws.db, ws.run_id, {});
  const auto start = Clock::now();
  const auto response = client.complete(test::user_request("x"));
  EXPECT_EQ(response.content, "echo: x");
  EXPECT_EQ(response.attempts, 2);
  EXPECT_GE(seconds_since(start), 1.0);
  EXPECT_LT(seconds_since(start), 4.0);
}

TEST(ChatClientRetry, BadRequestFailsAtOnceNamingUrlStatusAndServerMessage) {
  ProtocolServer server(scripted({Fault::bad_request}));
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  const auto request = test::user_request("x");
  const core::Error error = test::expect_error([&] { client.complete(request); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  const std::string key = llm::cache_key(server.base_url(), "test-model", request);
  EXPECT_EQ(std::string(error.what()),
            "POST " + server.base_url() + "/chat/completions (model test-model, key " + key.substr(0, 12) +
                "): HTTP 400: invalid_request_error: Invalid 'messages': injected bad request (not retried)");
  EXPECT_EQ(server.stats().requests, 1);
  EXPECT_EQ(client.ledger().failed_calls, 1);
  EXPECT_EQ(test::count_rows(ws.db, "llm_calls"), 0);
}

TEST(ChatClientRetry, GivesUpAfterMaxRetriesNamingFirstAndLastFailure) {
  auto options = scripted({Fault::rate_limit});
  options.fault_probability = 1;
  options.fault_kinds = {Fault::server_error};
  ProtocolServer server(options);
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.max_retries = 2;
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  const core::Error error = test::expect_error([&] { client.complete(test::user_request("x")); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  EXPECT_THAT(error.what(), HasSubstr("/v1/chat/completions (model test-model, key "));
  EXPECT_THAT(error.what(), HasSubstr("failed after 3 attempts (max_retries exhausted): HTTP 500: server_error: "
                                      "The server had an error (injected); first attempt: HTTP 429: requests: "
                                      "Rate limit reached (injected)"));
  EXPECT_EQ(server.stats().requests, 3);
}

TEST(ChatClientRetry, ConnectionRefusedIsRetriedThenReported) {
  int port = 0;
  {
    ProtocolServer gone;
    port = gone.port();
  }
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint("http://127.0.0.1:" + std::to_string(port) + "/v1");
  endpoint.max_retries = 1;
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  const core::Error error = test::expect_error([&] { client.complete(test::user_request("x")); });
  EXPECT_THAT(error.what(), HasSubstr("failed after 2 attempts (max_retries exhausted): cannot connect to "
                                      "http://127.0.0.1:" +
                                      std::to_string(port)));
  EXPECT_EQ(client.ledger().http_attempts, 2);
}

TEST(ChatClientRetry, QuotaExhaustedIsNotRetried) {
  auto options = scripted({Fault::rate_limit});
  options.rate_limit_code = "insufficient_quota";
  ProtocolServer server(options);
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  const core::Error error = test::expect_error([&] { client.complete(test::user_request("x")); });
  EXPECT_THAT(error.what(), HasSubstr("HTTP 429: requests: Rate limit reached (injected) (not retried)"));
  EXPECT_EQ(server.stats().requests, 1);
}

TEST(ChatClientRetry, FaultyRunStoresExactlyWhatAFaultFreeRunStores) {
  // One server for both runs: the base URL is part of every key.
  ProtocolServerOptions options;
  options.fault_seed = 11;
  options.slow_seconds = 1;
  ProtocolServer server(options);
  const auto requests = test::numbered_requests(60, "fault run");
  const auto run = [&](double fault_probability, test::ProtocolServerStats& stats, llm::Ledger& ledger) {
    server.set_fault_probability(fault_probability);
    server.reset_stats();
    LlmWorkspace ws;
    {
      ChatClient client(test::test_endpoint(server.base_url(), 0.5), ws.db, ws.run_id, {});
      const auto results = client.complete_all(requests);
      for (const auto& result : results) EXPECT_TRUE(result.ok()) << (result.error ? result.error->what() : "");
      ledger = client.ledger();
    }
    stats = server.stats();
    return test::stored_contents(ws.db);
  };
  test::ProtocolServerStats clean_stats;
  test::ProtocolServerStats faulty_stats;
  llm::Ledger clean_ledger;
  llm::Ledger faulty_ledger;
  const auto clean = run(0, clean_stats, clean_ledger);
  const auto faulty = run(0.3, faulty_stats, faulty_ledger);
  EXPECT_EQ(clean.size(), 60U);
  EXPECT_EQ(faulty, clean);
  EXPECT_EQ(clean_stats.requests, 60);
  EXPECT_EQ(clean_ledger.http_attempts, 60);
  // Every kind of fault happened, and each cost exactly one more attempt.
  int faults = 0;
  for (const Fault fault :
       {Fault::rate_limit, Fault::server_error, Fault::drop_connection, Fault::slow, Fault::truncated}) {
    EXPECT_GE(faulty_stats.faults[fault], 1) << test::to_string(fault);
    faults += faulty_stats.faults[fault];
  }
  EXPECT_GE(faults, 10);
  EXPECT_EQ(faulty_stats.requests, 60 + faults);
  EXPECT_EQ(faulty_ledger.http_attempts, faulty_stats.requests);
  EXPECT_EQ(faulty_ledger.http_calls, 60);
  EXPECT_EQ(faulty_ledger.failed_calls, 0);
  EXPECT_EQ(faulty_ledger.usage, clean_ledger.usage);
}

TEST(ChatClientRateLimit, RequestsPerMinuteSpacesRequests) {
  ProtocolServer server;
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.requests_per_minute = 600;  // one every 100 ms
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  client.complete_all(test::numbered_requests(6));
  const auto arrivals = server.stats().arrival_seconds;
  ASSERT_EQ(arrivals.size(), 6U);
  // The i-th request is scheduled i * 100 ms after the first; the first may itself arrive late.
  for (std::size_t i = 1; i < arrivals.size(); ++i) {
    EXPECT_GE(arrivals[i] - arrivals.front(), 0.1 * static_cast<double>(i) - 0.05) << i;
  }
  EXPECT_LT(arrivals.back() - arrivals.front(), 1.5);
}

TEST(ChatClientRateLimit, TokensPerMinuteHoldsBackOnceTheBurstIsSpent) {
  ProtocolServerOptions options;
  options.responder = [](const nlohmann::json&) { return std::string(800, 'z'); };  // 200 tokens
  ProtocolServer server(options);
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.tokens_per_minute = 12'000;  // 200 a second, 2000 at once
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  std::vector<llm::ChatRequest> requests;
  for (int i = 0; i < 11; ++i) {
    requests.push_back(test::user_request(std::to_string(i), 200));
    requests.back().messages.erase(requests.back().messages.begin());
  }
  const auto start = Clock::now();
  client.complete_all(requests);
  const double elapsed = seconds_since(start);
  // Each call is estimated at 205 tokens and uses 201: 9 fit the burst, the rest wait ~1 s each.
  EXPECT_GE(elapsed, 1.0);
  EXPECT_LT(elapsed, 2.5);
  const auto arrivals = server.stats().arrival_seconds;
  ASSERT_EQ(arrivals.size(), 11U);
  EXPECT_LT(arrivals[8] - arrivals[0], 0.6);
  EXPECT_GE(arrivals[10] - arrivals[0], 0.9);
}
