#include "support/protocol_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>

using namespace blindspot::test;
using nlohmann::json;
using testing::HasSubstr;

namespace {

httplib::Result post(httplib::Client& client, const json& body, const httplib::Headers& headers = {}) {
  return client.Post("/v1/chat/completions", headers, body.dump(), "application/json");
}

json chat(const std::string& text, int max_tokens = 100) {
  return {{"model", "m"}, {"messages", {{{"role", "user"}, {"content", text}}}}, {"max_tokens", max_tokens}};
}

httplib::Client client_for(const ProtocolServer& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_tcp_nodelay(true);
  client.set_read_timeout(1, 0);
  return client;
}

}  // namespace

TEST(ProtocolServer, AnswersAChatCompletionWithEchoAndUsage) {
  ProtocolServer server;
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/v1");
  auto client = client_for(server);
  const auto result = post(client, chat("hello world!"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  const json body = json::parse(result->body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "m");
  EXPECT_EQ(body["choices"][0]["message"]["content"], "echo: hello world!");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 3);      // 12 characters
  EXPECT_EQ(body["usage"]["completion_tokens"], 5);  // 18 characters
  EXPECT_EQ(server.stats().requests, 1);
  EXPECT_EQ(server.stats().by_status.at(200), 1);
  EXPECT_EQ(server.stats().by_prompt.at("hello world!"), 1);
}

TEST(ProtocolServer, CutsRepliesAtMaxTokensWithFinishReasonLength) {
  ProtocolServer server;
  auto client = client_for(server);
  const json body = json::parse(post(client, chat("abcdefghijklmnopqrstuvwxyz", 2))->body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "echo: ab");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], 2);
}

TEST(ProtocolServer, DefaultReplyIsAnInstanceOfTheSchema) {
  const json schema = json::parse(R"({"type":"object","properties":{
      "label":{"type":"string","enum":["positive","negative"]},
      "text":{"type":"string","maxLength":5},
      "score":{"type":"integer","minimum":0,"maximum":3},
      "tags":{"type":"array","items":{"type":"string"},"minItems":2},
      "ok":{"type":"boolean"},
      "note":{"type":["null","string"]}},"required":["label"]})");
  json request = chat("review text");
  request["response_format"] = {{"type", "json_schema"}, {"json_schema", {{"name", "r"}, {"schema", schema}}}};
  const json reply = json::parse(default_reply(request));
  EXPECT_EQ(reply["label"], "positive");
  EXPECT_EQ(reply["text"], "revie");
  EXPECT_EQ(reply["score"], 3);
  EXPECT_EQ(reply["tags"], json::array({"review text", "review text"}));
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(reply["note"], "review text");
}

TEST(ProtocolServer, ScriptedFaultsComeFirstAndAreCounted) {
  ProtocolServerOptions options;
  options.fault_script = {Fault::rate_limit, Fault::server_error, Fault::truncated, Fault::bad_request, Fault::none};
  options.retry_after = "7";
  ProtocolServer server(options);
  auto client = client_for(server);
  auto result = post(client, chat("x"));
  EXPECT_EQ(result->status, 429);
  EXPECT_EQ(result->get_header_value("Retry-After"), "7");
  EXPECT_EQ(post(client, chat("x"))->status, 500);
  result = post(client, chat("x"));
  EXPECT_EQ(result->status, 200);
  EXPECT_TRUE(json::parse(result->body, nullptr, false).is_discarded());
  result = post(client, chat("x"));
  EXPECT_EQ(result->status, 400);
  EXPECT_THAT(result->body, HasSubstr("invalid_request_error"));
  EXPECT_EQ(post(client, chat("x"))->status, 200);
  const auto stats = server.stats();
  EXPECT_EQ(stats.requests, 5);
  EXPECT_EQ(stats.faults.at(Fault::rate_limit), 1);
  EXPECT_EQ(stats.faults.at(Fault::truncated), 1);
  EXPECT_EQ(stats.by_status.at(200), 2);
}

TEST(ProtocolServer, DroppedConnectionGivesNoResponse) {
  ProtocolServerOptions options;
  options.fault_script = {Fault::drop_connection};
  ProtocolServer server(options);
  auto client = client_for(server);
  const auto result = post(client, chat("x"));
  EXPECT_FALSE(result);
  EXPECT_EQ(server.stats().by_status.at(0), 1);
  EXPECT_EQ(post(client, chat("x"))->status, 200);  // the next attempt connects again
}

TEST(ProtocolServer, SlowReplyOutlastsAShortClientTimeout) {
  ProtocolServerOptions options;
  options.fault_script = {Fault::slow};
  options.slow_seconds = 1;
  ProtocolServer server(options);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(0, 200'000);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(post(client, chat("x")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
}

TEST(ProtocolServer, RequiresTheBearerKeyWhenSet) {
  ProtocolServerOptions options;
  options.api_key = "sk-test";
  ProtocolServer server(options);
  auto client = client_for(server);
  auto result = post(client, chat("x"));
  EXPECT_EQ(result->status, 401);
  EXPECT_THAT(result->body, HasSubstr("Incorrect API key"));
  EXPECT_EQ(post(client, chat("x"), {{"Authorization", "Bearer sk-test"}})->status, 200);
}

TEST(ProtocolServer, RejectsResponseFormatWhenAsked) {
  ProtocolServerOptions options;
  options.reject_response_format = true;
  ProtocolServer server(options);
  auto client = client_for(server);
  json request = chat("x");
  request["response_format"] = {{"type", "json_object"}};
  const auto result = post(client, request);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(json::parse(result->body)["error"]["param"], "response_format");
}

TEST(ProtocolServer, RandomFaultsFollowTheProbabilityAndSeed) {
  ProtocolServerOptions options;
  options.fault_probability = 0.5;
  options.fault_kinds = {Fault::server_error};
  options.fault_seed = 3;
  std::map<int, int> first;
  for (int round = 0; round < 2; ++round) {
    ProtocolServer server(options);
    auto client = client_for(server);
    for (int i = 0; i < 100; ++i) post(client, chat("x"));
    const auto stats = server.stats();
    EXPECT_GT(stats.by_status.at(500), 30);
    EXPECT_LT(stats.by_status.at(500), 70);
    if (round == 0) {
      first = stats.by_status;
    } else {
      EXPECT_EQ(stats.by_status, first);
    }
  }
}

TEST(ProtocolServer, StopsPromptlyWhileARequestWaits) {
  ProtocolServerOptions options;
  options.latency_seconds = 30;
  auto server = std::make_unique<ProtocolServer>(options);
  std::thread waiting([port = server->port()] {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(5, 0);
    post(client, chat("x"));
  });
  while (server->stats().requests == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  waiting.join();
}
