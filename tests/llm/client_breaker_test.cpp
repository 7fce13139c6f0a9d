// A server that stops answering mid-batch is reported within seconds, not after every call has
// slept through its retries (issue 13, finding 3), and the replies received before are kept.

#include "blindspot/llm/client.hpp"

#include "llm_test_support.hpp"
#include "support/protocol_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

using namespace blindspot;
using llm::ChatClient;
using test::LlmWorkspace;
using test::ProtocolServer;
using test::ProtocolServerOptions;
using testing::ContainsRegex;
using testing::HasSubstr;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// What a user has: the product's retry settings (6 retries, backoff from 1 s doubling to 60 s,
// 4 calls in flight), only the per-attempt timeout short.
llm::Endpoint product_endpoint(const std::string& base_url) {
  llm::Endpoint endpoint;
  endpoint.base_url = base_url;
  endpoint.model = "test-model";
  endpoint.timeout_seconds = 5;
  return endpoint;
}

void wait_for_replies(const ProtocolServer& server, int replies) {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    const auto stats = server.stats();
    if (const auto ok = stats.by_status.find(200); ok != stats.by_status.end() && ok->second >= replies) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  FAIL() << "the server did not send " << replies << " replies within 20 s";
}

}  // namespace

// As `teach --teacher llm` on 150 UUs: 150 calls, the server killed after 10 replies.
TEST(ChatClientBreaker, AKilledServerIsReportedWithinSecondsAndARerunMakesOnlyTheMissingCalls) {
  ProtocolServerOptions options;
  options.latency_seconds = 0.02;
  auto server = std::make_unique<ProtocolServer>(options);
  const std::string url = server->base_url();
  const auto requests = test::numbered_requests(150, "uu");
  LlmWorkspace ws;
  llm::Endpoint endpoint = product_endpoint(url);
  endpoint.breaker_seconds = 1;  // test-sized: the product waits for 10 s of failures

  std::vector<llm::CallResult> results;
  double seconds_to_report = 0;
  {
    ChatClient client(endpoint, ws.db, ws.run_id, {});
    auto batch = std::async(std::launch::async, [&] { return client.complete_all(requests); });
    wait_for_replies(*server, 10);
    server->stop();
    const auto killed = Clock::now();
    const bool reported = batch.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    results = batch.get();
    seconds_to_report = seconds_since(killed);
    EXPECT_TRUE(reported) << "the dead server was reported after " << seconds_to_report << " s";
    std::cout << "a dead server reported " << seconds_to_report << " s after the kill\n";
    EXPECT_LT(seconds_to_report, endpoint.breaker_seconds + 5);
    // A few attempts after the kill, not 7 for each of the 140 calls left.
    EXPECT_LT(client.ledger().http_attempts, client.ledger().http_calls + 40);
  }

  std::size_t answered = 0;
  std::string message;
  for (const auto& result : results) {
    if (result.ok()) {
      ++answered;
      continue;
    }
    ASSERT_TRUE(result.error.has_value());
    EXPECT_EQ(result.error->kind(), core::ErrorKind::remote);
    if (message.empty()) message = result.error->what();
    EXPECT_EQ(result.error->what(), message) << "every call not answered fails with the one message";
  }
  EXPECT_GE(answered, 10U);
  ASSERT_LT(answered, 150U);
  EXPECT_THAT(message, HasSubstr("the server at " + url + "/chat/completions stopped answering: cannot connect"));
  EXPECT_THAT(message, ContainsRegex("since [0-2][0-9]:[0-5][0-9]:[0-5][0-9] "));
  EXPECT_THAT(message, HasSubstr("(" + std::to_string(150 - answered) + " calls not made; the " +
                                 std::to_string(answered) + " replies received are stored, rerun to resume)"));
  EXPECT_EQ(test::count_rows(ws.db, "llm_calls"), static_cast<std::int64_t>(answered));

  // The server is back on the same port (the URL is part of every cache key): the rerun pays only
  // for the calls that were not answered.
  ProtocolServerOptions restarted_options;
  restarted_options.port = server->port();
  ProtocolServer restarted(restarted_options);
  ASSERT_EQ(restarted.base_url(), url);
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  for (const auto& result : client.complete_all(requests)) EXPECT_TRUE(result.ok());
  EXPECT_EQ(restarted.stats().requests, static_cast<int>(150 - answered));
  EXPECT_EQ(client.ledger().cached_calls, static_cast<std::int64_t>(answered));
  EXPECT_EQ(test::count_rows(ws.db, "llm_calls"), 150);
}
