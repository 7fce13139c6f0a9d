// The client against the real llama.cpp server (../shared/tools/llama-server, a tiny random
// model): HTTP and JSON framing, usage, finish_reason and grammar-enforced json_schema replies.
#include "blindspot/llm/client.hpp"

#include "llm_test_support.hpp"
#include "support/llama_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace blindspot;
using nlohmann::json;
using testing::HasSubstr;

namespace {

const char* const kLabelSchema =
    R"({"type":"object","properties":{"label":{"type":"string","enum":["positive","negative"]}},)"
    R"("required":["label"],"additionalProperties":false})";

}  // namespace

class LlmServer : public testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new test::LlamaServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    if (!server_->available()) GTEST_SKIP() << server_->skip_reason();
  }

  llm::Endpoint endpoint() const {
    llm::Endpoint endpoint;
    endpoint.base_url = server_->base_url();
    endpoint.model = "tiny-random";
    endpoint.timeout_seconds = 30;
    endpoint.max_retries = 2;
    endpoint.backoff_initial_seconds = 0.05;
    return endpoint;
  }

  static test::LlamaServer* server_;
};

test::LlamaServer* LlmServer::server_ = nullptr;

TEST_F(LlmServer, PlainCompletionRunsToMaxTokensAndCountsUsage) {
  test::LlmWorkspace ws;
  llm::ChatClient client(endpoint(), ws.db, ws.run_id, llm::PriceTable::load(llm::default_price_file()));
  auto request = test::user_request("Say something.", 12);
  const auto response = client.complete(request);
  EXPECT_EQ(response.finish_reason, "length");
  EXPECT_EQ(response.model, "tiny-random");
  EXPECT_EQ(response.usage.completion_tokens, 12);
  EXPECT_GT(response.usage.prompt_tokens, 20);  // the messages plus the chat template
  EXPECT_FALSE(response.content.empty());
  EXPECT_FALSE(response.priced);
  EXPECT_DOUBLE_EQ(response.cost_usd, 0);
  EXPECT_TRUE(client.ledger().unpriced);
  EXPECT_EQ(client.ledger().usage, response.usage);
  auto cost = ws.db.prepare("SELECT cost_usd IS NULL, completion_tokens FROM llm_calls");
  ASSERT_TRUE(cost.step());
  EXPECT_EQ(cost.column_int64(0), 1);
  EXPECT_EQ(cost.column_int64(1), 12);
}

TEST_F(LlmServer, JsonSchemaReplyParsesAndMatchesTheSchema) {
  test::LlmWorkspace ws;
  llm::ChatClient client(endpoint(), ws.db, ws.run_id, {});
  auto request = test::user_request("Label this review: a fine film.", 64);
  request.json_schema = kLabelSchema;
  request.schema_name = "label";
  const auto response = client.complete(request);
  EXPECT_TRUE(response.structured);
  EXPECT_EQ(response.finish_reason, "stop");
  const json reply = json::parse(response.content);
  ASSERT_TRUE(reply.is_object());
  EXPECT_EQ(reply.size(), 1U);
  EXPECT_THAT(reply.at("label").get<std::string>(), testing::AnyOf("positive", "negative"));
}

TEST_F(LlmServer, SecondCallAndRerunComeFromTheStore) {
  test::LlmWorkspace ws;
  const auto request = test::user_request("Cache me.", 8);
  std::string content;
  {
    llm::ChatClient client(endpoint(), ws.db, ws.run_id, {});
    content = client.complete(request).content;
    const auto again = client.complete(request);
    EXPECT_TRUE(again.cached);
    EXPECT_EQ(again.content, content);
    EXPECT_EQ(client.ledger().http_attempts, 1);
  }
  llm::ChatClient rerun(endpoint(), ws.db, ws.run_id, {});
  EXPECT_EQ(rerun.complete(request).content, content);
  EXPECT_EQ(rerun.ledger().http_attempts, 0);
  EXPECT_EQ(rerun.ledger().cached_calls, 1);
}

TEST_F(LlmServer, PromptBeyondTheContextFailsAtOnceWithTheServersMessage) {
  test::LlmWorkspace ws;
  llm::ChatClient client(endpoint(), ws.db, ws.run_id, {});
  const core::Error error = test::expect_error([&] { client.complete(test::user_request(std::string(6000, 'a'), 8)); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  EXPECT_THAT(error.what(), HasSubstr("HTTP 400: exceed_context_size_error"));
  EXPECT_THAT(error.what(), HasSubstr("(not retried: "));
  EXPECT_EQ(client.ledger().http_attempts, 1);
}
