// Which HTTP statuses the chat client retries: a status that will not heal is sent once and
// reported with the request, the status and the server's words; the transient ones are retried.

#include "blindspot/llm/client.hpp"

#include "llm_test_support.hpp"
#include "support/protocol_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using llm::ChatClient;
using test::Fault;
using test::LlmWorkspace;
using test::ProtocolServer;
using test::ProtocolServerOptions;
using testing::HasSubstr;

namespace {

// One call to a server whose first answer is `status` with `body`, with 10 retries allowed.
struct Outcome {
  std::string error;  // empty: the call succeeded on a retry
  int requests = 0;
};

Outcome call_answered_with(int status, const std::string& body) {
  ProtocolServerOptions options;
  options.fault_script = {Fault::status};
  options.fault_status = status;
  options.fault_body = body;
  ProtocolServer server(options);
  LlmWorkspace ws;
  ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  Outcome outcome;
  try {
    client.complete(test::user_request("uu 17"));
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::remote);
    outcome.error = error.what();
  }
  outcome.requests = server.stats().requests;
  return outcome;
}

std::string openai_error(const std::string& message, const std::string& type, const std::string& code = "") {
  return R"({"error":{"message":")" + message + R"(","type":")" + type + R"(","param":null,"code":)" +
         (code.empty() ? "null" : "\"" + code + "\"") + "}}";
}

void expect_sent_once(const Outcome& outcome, const std::string& status_and_words) {
  EXPECT_EQ(outcome.requests, 1);
  EXPECT_THAT(outcome.error, HasSubstr("/v1/chat/completions (model test-model, key "));
  EXPECT_THAT(outcome.error, HasSubstr(status_and_words));
  EXPECT_THAT(outcome.error, HasSubstr("(not retried"));
}

}  // namespace

TEST(ChatClientStatus, BadRequest400IsSentOnce) {
  expect_sent_once(call_answered_with(400, openai_error("Invalid 'messages'", "invalid_request_error")),
                   "HTTP 400: invalid_request_error: Invalid 'messages'");
}

TEST(ChatClientStatus, Unauthorized401IsSentOnce) {
  expect_sent_once(
      call_answered_with(401, openai_error("Incorrect API key provided", "invalid_request_error", "invalid_api_key")),
      "HTTP 401: invalid_request_error: Incorrect API key provided");
}

TEST(ChatClientStatus, Forbidden403IsSentOnce) {
  expect_sent_once(call_answered_with(403, openai_error("Country not supported", "invalid_request_error")),
                   "HTTP 403: invalid_request_error: Country not supported");
}

TEST(ChatClientStatus, NotFound404IsSentOnce) {
  expect_sent_once(call_answered_with(404, openai_error("The model `gpt-9` does not exist", "invalid_request_error",
                                                        "model_not_found")),
                   "HTTP 404: invalid_request_error: The model `gpt-9` does not exist");
}

TEST(ChatClientStatus, PayloadTooLarge413IsSentOnce) {
  expect_sent_once(call_answered_with(413, "Request Entity Too Large"), "HTTP 413: Request Entity Too Large");
}

TEST(ChatClientStatus, Unprocessable422IsSentOnce) {
  expect_sent_once(call_answered_with(422, R"({"detail":[{"loc":["body","messages"],"msg":"field required"}]})"),
                   "HTTP 422: {\"detail\":[{\"loc\":[\"body\",\"messages\"]");
}

// llama-server when a slot's context fills up (server-context.cpp, ERROR_TYPE_SERVER).
TEST(ChatClientStatus, LlamaServerContextExceeded500IsSentOnce) {
  const Outcome outcome =
      call_answered_with(500, R"({"error":{"code":500,"message":"Context size has been exceeded.","type":"server_error"}})");
  expect_sent_once(outcome, "HTTP 500: server_error: Context size has been exceeded.");
  EXPECT_THAT(outcome.error, HasSubstr("the prompt and max_tokens do not fit the server's context"));
}

// llama-server when the prompt alone is longer than the context (seen from the shared llama-server).
TEST(ChatClientStatus, LlamaServerExceedContextSizeError400IsSentOnce) {
  expect_sent_once(call_answered_with(400, R"({"error":{"code":400,"message":"request (452 tokens) exceeds the )"
                                           R"(available context size (256 tokens), try increasing it","type":)"
                                           R"("exceed_context_size_error","n_prompt_tokens":452,"n_ctx":256}})"),
                   "HTTP 400: exceed_context_size_error: request (452 tokens) exceeds the available context size");
}

TEST(ChatClientStatus, TransientStatusesAreRetried) {
  for (const int status : {408, 429, 500, 502, 503, 504}) {
    const Outcome outcome = call_answered_with(status, openai_error("try again later", "server_error"));
    EXPECT_EQ(outcome.error, "") << status;
    EXPECT_EQ(outcome.requests, 2) << status;
  }
}
