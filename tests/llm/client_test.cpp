#include "blindspot/llm/client.hpp"

#include "llm_test_support.hpp"
#include "support/protocol_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <thread>

using namespace blindspot;
using llm::ChatClient;
using nlohmann::json;
using test::LlmWorkspace;
using test::ProtocolServer;
using test::ProtocolServerOptions;
using testing::HasSubstr;

namespace {

const char* const kLabelSchema =
    R"({"type":"object","properties":{"label":{"type":"string","enum":["positive","negative"]}},)"
    R"("required":["label"],"additionalProperties":false})";

// 1000 USD a million tokens: one token costs a tenth of a cent, so budgets are easy to follow.
llm::PriceTable test_prices() { return llm::PriceTable({{"test-model", 1000, 1000, "2025-01-01"}}); }

}  // namespace

TEST(ChatClient, CompletesAndStoresTheReplyAtOnce) {
  ProtocolServer server;
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, test_prices());
  const auto response = client.complete(test::user_request("hello there"));
  EXPECT_EQ(response.content, "echo: hello there");
  EXPECT_EQ(response.finish_reason, "stop");
  EXPECT_EQ(response.model, "test-model");
  EXPECT_EQ(response.usage, (llm::Usage{7, 5}));  // 15 + 11 prompt characters, 17 reply characters
  EXPECT_TRUE(response.priced);
  EXPECT_DOUBLE_EQ(response.cost_usd, 12 * 0.001);
  EXPECT_FALSE(response.cached);
  EXPECT_TRUE(response.structured);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_GT(response.latency_seconds, 0);
  EXPECT_EQ(response.key, llm::cache_key(server.base_url(), "test-model", test::user_request("hello there")));

  auto row = ws.db.prepare(
      "SELECT run_id, base_url, model, json_extract(request, '$.messages[1].content'), json_extract(response, "
      "'$.object'), content, finish_reason, structured, prompt_tokens, completion_tokens, cost_usd, attempts "
      "FROM llm_calls WHERE key = ?");
  row.bind(1, response.key);
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.column_int64(0), ws.run_id);
  EXPECT_EQ(row.column_text(1), server.base_url());
  EXPECT_EQ(row.column_text(2), "test-model");
  EXPECT_EQ(row.column_text(3), "hello there");
  EXPECT_EQ(row.column_text(4), "chat.completion");
  EXPECT_EQ(row.column_text(5), "echo: hello there");
  EXPECT_EQ(row.column_text(6), "stop");
  EXPECT_EQ(row.column_int64(7), 1);
  EXPECT_EQ(row.column_int64(8), 7);
  EXPECT_EQ(row.column_int64(9), 5);
  EXPECT_DOUBLE_EQ(row.column_double(10), 0.012);
  EXPECT_EQ(row.column_int64(11), 1);
  auto usage = ws.db.prepare("SELECT run_id, key, cached FROM llm_usage");
  ASSERT_TRUE(usage.step());
  EXPECT_EQ(usage.column_int64(0), ws.run_id);
  EXPECT_EQ(usage.column_text(1), response.key);
  EXPECT_EQ(usage.column_int64(2), 0);
}

TEST(ChatClient, SendsTheBearerKeyAndFailsAtOnceOnAWrongOne) {
  ProtocolServerOptions options;
  options.api_key = "sk-right";
  ProtocolServer server(options);
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.api_key = "sk-right";
  ChatClient good(endpoint, ws.db, ws.run_id, {});
  EXPECT_EQ(good.complete(test::user_request("a")).content, "echo: a");
  EXPECT_EQ(server.stats().authorization.back(), "Bearer sk-right");
  endpoint.api_key = "sk-wrong";
  ChatClient bad(endpoint, ws.db, ws.run_id, {});
  const core::Error error = test::expect_error([&] { bad.complete(test::user_request("b")); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  EXPECT_THAT(error.what(), HasSubstr("HTTP 401: invalid_request_error: Incorrect API key provided (not retried)"));
  EXPECT_EQ(server.stats().requests, 2);
}

TEST(ChatClient, CacheHitMakesNoHttpCall) {
  ProtocolServer server;
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, test_prices());
  const auto first = client.complete(test::user_request("same"));
  const auto second = client.complete(test::user_request("same"));
  EXPECT_EQ(server.stats().requests, 1);
  EXPECT_TRUE(second.cached);
  EXPECT_EQ(second.content, first.content);
  EXPECT_EQ(second.usage, first.usage);
  EXPECT_EQ(second.attempts, 0);
  EXPECT_DOUBLE_EQ(second.cost_usd, 0);  // this call paid nothing
  EXPECT_TRUE(second.priced);
  const auto ledger = client.ledger();
  EXPECT_EQ(ledger.http_calls, 1);
  EXPECT_EQ(ledger.cached_calls, 1);
  EXPECT_EQ(ledger.http_attempts, 1);
  // The reply served from the store counts as stored spending, at what it cost when made.
  EXPECT_EQ(ledger.stored_usage, first.usage);
  EXPECT_DOUBLE_EQ(ledger.stored_cost_usd, first.cost_usd);
  EXPECT_GT(first.cost_usd, 0);
  EXPECT_DOUBLE_EQ(ledger.cost_usd, first.cost_usd);
}

TEST(ChatClient, RerunInANewClientOnTheSameStoreFileMakesNoHttpCall) {
  ProtocolServer server;
  test::TempDir dir;
  const auto requests = test::numbered_requests(20);
  std::vector<llm::CallResult> first;
  {
    auto db = store::Database::open(dir / "blindspot.db");
    const auto run = store::begin_run(db, "teach", "{}", "{}");
    ChatClient client(test::test_endpoint(server.base_url()), db, run, test_prices());
    first = client.complete_all(requests);
  }
  EXPECT_EQ(server.stats().requests, 20);
  server.reset_stats();
  auto db = store::Database::open(dir / "blindspot.db");
  const auto rerun = store::begin_run(db, "teach", "{}", "{}");
  ChatClient client(test::test_endpoint(server.base_url()), db, rerun, test_prices());
  const auto second = client.complete_all(requests);
  EXPECT_EQ(server.stats().requests, 0);
  ASSERT_EQ(second.size(), 20U);
  for (std::size_t i = 0; i < second.size(); ++i) {
    ASSERT_TRUE(second[i].ok()) << i;
    EXPECT_TRUE(second[i].response->cached);
    EXPECT_EQ(second[i].response->content, first[i].response->content);
  }
  EXPECT_EQ(client.ledger().cached_calls, 20);
  EXPECT_EQ(client.ledger().http_attempts, 0);
  EXPECT_DOUBLE_EQ(client.ledger().cost_usd, 0);
  // What the results cost, paid by the first run.
  double paid = 0;
  std::int64_t prompt_tokens = 0;
  for (const auto& result : first) {
    paid += result.response->cost_usd;
    prompt_tokens += result.response->usage.prompt_tokens;
  }
  EXPECT_NEAR(client.ledger().stored_cost_usd, paid, 1e-12);
  EXPECT_EQ(client.ledger().stored_usage.prompt_tokens, prompt_tokens);
  // The rerun used every reply (cached) and paid for none.
  auto used = db.prepare("SELECT count(*), sum(cached) FROM llm_usage WHERE run_id = ?");
  used.bind(1, rerun);
  ASSERT_TRUE(used.step());
  EXPECT_EQ(used.column_int64(0), 20);
  EXPECT_EQ(used.column_int64(1), 20);
  EXPECT_DOUBLE_EQ(llm::stored_cost_usd(db, rerun), 0);
  EXPECT_GT(llm::stored_cost_usd(db, rerun - 1), 0);
}

TEST(ChatClient, CompleteAllKeepsRequestOrderAndSendsDuplicatesOnce) {
  ProtocolServerOptions options;
  options.latency_seconds = 0.01;
  ProtocolServer server(options);
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, test_prices());
  auto requests = test::numbered_requests(30);
  requests.push_back(requests[3]);
  requests.push_back(requests[3]);
  std::vector<double> fractions;
  const auto results = client.complete_all(requests, [&](std::string_view stage, double fraction) {
    EXPECT_EQ(stage, "llm calls");
    fractions.push_back(fraction);
  });
  ASSERT_EQ(results.size(), 32U);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(results[i].response->content, "echo: request " + std::to_string(i));
  EXPECT_EQ(results[30].response->content, "echo: request 3");
  EXPECT_TRUE(results[31].response->cached);
  EXPECT_EQ(server.stats().requests, 30);
  EXPECT_EQ(server.stats().by_prompt.at("request 3"), 1);
  EXPECT_EQ(client.ledger().http_calls, 30);
  EXPECT_EQ(client.ledger().cached_calls, 2);
  ASSERT_EQ(fractions.size(), 30U);
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  EXPECT_EQ(test::count_rows(ws.db, "llm_calls"), 30);
}

TEST(ChatClient, MaxInFlightBoundsAndReachesServerConcurrency) {
  ProtocolServerOptions options;
  options.latency_seconds = 0.1;
  ProtocolServer server(options);
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.max_in_flight = 3;
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  const auto start = std::chrono::steady_clock::now();
  const auto results = client.complete_all(test::numbered_requests(12));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(server.stats().max_in_flight, 3);
  EXPECT_GE(elapsed, 0.4);  // 12 calls, 3 at a time, 0.1 s each
  EXPECT_LT(elapsed, 1.0);
  for (const auto& result : results) EXPECT_TRUE(result.ok());
}

TEST(ChatClient, InFlightBoundHoldsForConcurrentCompleteCallsToo) {
  ProtocolServerOptions options;
  options.latency_seconds = 0.05;
  ProtocolServer server(options);
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.max_in_flight = 2;
  ChatClient client(endpoint, ws.db, ws.run_id, {});
  {
    std::vector<std::jthread> callers;
    for (int i = 0; i < 6; ++i) {
      callers.emplace_back([&client, i] { client.complete(test::user_request("caller " + std::to_string(i))); });
    }
  }
  EXPECT_EQ(server.stats().max_in_flight, 2);
  EXPECT_EQ(client.ledger().http_calls, 6);
}

TEST(ChatClient, ResponseFormatRejectedFallsBackToTheSchemaInThePrompt) {
  ProtocolServerOptions options;
  options.reject_response_format = true;
  std::vector<json> seen;
  std::mutex seen_mutex;
  options.responder = [&](const json& request) {
    const std::lock_guard lock(seen_mutex);
    seen.push_back(request);
    return std::string("Sure, here it is:\n```json\n{\"label\": \"positive\"}\n```");
  };
  ProtocolServer server(options);
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  auto request = test::user_request("A fine film.");
  request.json_schema = kLabelSchema;
  const auto response = client.complete(request);
  EXPECT_FALSE(response.structured);
  EXPECT_EQ(response.attempts, 2);  // the rejected try was sent too, but used no retry
  EXPECT_EQ(llm::extract_json(response.content), R"({"label": "positive"})");
  {
    // Under the lock: the reply's socket orders the handler's write before these reads, but TSan
    // cannot see that edge and reported a data race.
    const std::lock_guard lock(seen_mutex);
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_FALSE(seen[0].contains("response_format"));
    const std::string prompt = seen[0]["messages"][1]["content"];
    EXPECT_THAT(prompt, testing::StartsWith("A fine film."));
    EXPECT_THAT(prompt, HasSubstr(R"("enum":["positive","negative"])"));
  }
  EXPECT_EQ(server.stats().by_status.at(400), 1);

  // The client remembers: the next structured request goes without response_format at once.
  request.messages[1].content = "A dull film.";
  EXPECT_FALSE(client.complete(request).structured);
  EXPECT_EQ(server.stats().requests, 3);
  EXPECT_EQ(server.stats().by_status.at(400), 1);
  auto stored = ws.db.prepare("SELECT count(*) FROM llm_calls WHERE structured = 0");
  ASSERT_TRUE(stored.step());
  EXPECT_EQ(stored.column_int64(0), 2);
}

TEST(ChatClient, StructuredRequestGetsASchemaInstance) {
  ProtocolServer server;
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  auto request = test::user_request("A fine film.");
  request.json_schema = kLabelSchema;
  const auto response = client.complete(request);
  EXPECT_TRUE(response.structured);
  EXPECT_EQ(json::parse(response.content), json::parse(R"({"label":"positive"})"));
}

TEST(ChatClient, FinishReasonLengthIsAReplyAndIsCached) {
  ProtocolServer server;
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  const auto response = client.complete(test::user_request("a long answer please", 2));
  EXPECT_EQ(response.finish_reason, "length");
  EXPECT_EQ(response.content, "echo: a ");
  EXPECT_TRUE(client.complete(test::user_request("a long answer please", 2)).cached);
  EXPECT_EQ(server.stats().requests, 1);
}

TEST(ChatClient, UnpricedModelRecordsNullCostAndMarksTheLedger) {
  ProtocolServer server;
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, llm::PriceTable{});
  const auto response = client.complete(test::user_request("free"));
  EXPECT_FALSE(response.priced);
  EXPECT_DOUBLE_EQ(response.cost_usd, 0);
  EXPECT_TRUE(client.ledger().unpriced);
  auto cost = ws.db.prepare("SELECT cost_usd IS NULL FROM llm_calls");
  ASSERT_TRUE(cost.step());
  EXPECT_EQ(cost.column_int64(0), 1);
  EXPECT_DOUBLE_EQ(llm::stored_cost_usd(ws.db, ws.run_id), 0);
}

TEST(ChatClient, PricesTheModelTheServerNamesWhenTheTableKnowsIt) {
  ProtocolServerOptions options;
  options.model = "test-model-2025-01-01";
  ProtocolServer server(options);
  LlmWorkspace ws;
  const llm::PriceTable prices(
      {{"test-model", 1000, 1000, "2025-01-01"}, {"test-model-2025-01-01", 2000, 2000, "2025-01-01"}});
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, prices);
  const auto response = client.complete(test::user_request("hello there"));
  EXPECT_EQ(response.model, "test-model-2025-01-01");
  EXPECT_DOUBLE_EQ(response.cost_usd, 12 * 0.002);
  // The store keeps the model asked for; a cached reply still names the one that answered.
  auto model = ws.db.prepare("SELECT model FROM llm_calls");
  ASSERT_TRUE(model.step());
  EXPECT_EQ(model.column_text(0), "test-model");
  EXPECT_EQ(client.complete(test::user_request("hello there")).model, "test-model-2025-01-01");
}

TEST(ChatClient, LedgerTotalsMatchTheStoredCost) {
  ProtocolServer server;
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, test_prices());
  const auto results = client.complete_all(test::numbered_requests(10));
  llm::Usage usage;
  double cost = 0;
  for (const auto& result : results) {
    usage.prompt_tokens += result.response->usage.prompt_tokens;
    usage.completion_tokens += result.response->usage.completion_tokens;
    cost += result.response->cost_usd;
  }
  const auto ledger = client.ledger();
  EXPECT_EQ(ledger.http_calls, 10);
  EXPECT_EQ(ledger.http_attempts, 10);
  EXPECT_EQ(ledger.failed_calls, 0);
  EXPECT_EQ(ledger.usage, usage);
  EXPECT_FALSE(ledger.unpriced);
  EXPECT_NEAR(ledger.cost_usd, cost, 1e-12);
  EXPECT_NEAR(ledger.cost_usd, static_cast<double>(usage.prompt_tokens + usage.completion_tokens) * 0.001, 1e-12);
  EXPECT_NEAR(llm::stored_cost_usd(ws.db, ws.run_id), ledger.cost_usd, 1e-12);
}

TEST(ChatClient, BudgetStopsBeforeExceedingAndKeepsWhatIsDone) {
  ProtocolServer server;
  LlmWorkspace ws;
  // Each request: 40 prompt characters, max_tokens 16. Worst case (10 + 4 framing + 16 tokens)
  // 0.030 USD; actual (10 + 12 tokens) 0.022 USD. 0.1 USD pays for 4: the 5th could reach 0.118.
  std::vector<llm::ChatRequest> requests;
  for (int i = 0; i < 10; ++i) {
    requests.push_back(test::user_request(std::string(38, 'a') + std::to_string(10 + i), 16));
    requests.back().messages.erase(requests.back().messages.begin());
  }
  llm::ClientOptions options;
  options.max_usd = 0.1;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, test_prices(), options);
  const auto results = client.complete_all(requests);
  int done = 0;
  int over = 0;
  for (const auto& result : results) {
    done += result.ok() ? 1 : 0;
    over += result.over_budget ? 1 : 0;
    EXPECT_FALSE(result.error.has_value());
  }
  EXPECT_EQ(done, 4);
  EXPECT_EQ(over, 6);
  const auto ledger = client.ledger();
  EXPECT_NEAR(ledger.cost_usd, 0.088, 1e-9);
  EXPECT_LE(ledger.cost_usd, options.max_usd);
  EXPECT_EQ(ledger.skipped_calls, 6);
  EXPECT_EQ(server.stats().requests, 4);
  EXPECT_EQ(test::count_rows(ws.db, "llm_calls"), 4);
  EXPECT_NEAR(llm::stored_cost_usd(ws.db, ws.run_id), 0.088, 1e-9);

  EXPECT_THROW(client.complete(requests[9]), llm::BudgetExceeded);
  const core::Error error = test::expect_error([&] { client.complete(requests[9]); });
  EXPECT_THAT(error.what(), HasSubstr("could cost up to 0.030000 USD"));
  EXPECT_THAT(error.what(), HasSubstr("0.088000 USD of the 0.100000 USD budget (max_usd) is spent"));

  // Stored replies stay free: a new client with a spent budget still gets them from the store.
  llm::ClientOptions tiny;
  tiny.max_usd = 0.001;
  ChatClient rerun(test::test_endpoint(server.base_url()), ws.db, ws.run_id, test_prices(), tiny);
  const auto again = rerun.complete_all(requests);
  int cached = 0;
  for (const auto& result : again) cached += result.ok() && result.response->cached ? 1 : 0;
  EXPECT_EQ(cached, 4);
  EXPECT_EQ(server.stats().requests, 4);
}

TEST(ChatClient, BudgetNeedsAPriceForTheModel) {
  LlmWorkspace ws;
  llm::ClientOptions options;
  options.max_usd = 1;
  const core::Error error = test::expect_error(
      [&] { ChatClient client(test::test_endpoint("http://127.0.0.1:9/v1"), ws.db, ws.run_id, {}, options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("max_usd is set but model \"test-model\" has no price"));
}

TEST(ChatClient, InvalidEndpointIsAUsageError) {
  LlmWorkspace ws;
  auto endpoint = test::test_endpoint("http://127.0.0.1:9/v1");
  endpoint.max_in_flight = 0;
  const core::Error error = test::expect_error([&] { ChatClient client(endpoint, ws.db, ws.run_id, {}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("max_in_flight"));
}
