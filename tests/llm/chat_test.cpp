#include "blindspot/llm/chat.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace blindspot;
using llm::ChatRequest;
using nlohmann::json;
using testing::HasSubstr;

namespace {

ChatRequest sample_request() {
  ChatRequest request;
  request.messages = {{"system", "Label the text."}, {"user", "A fine film."}};
  request.temperature = 0.2;
  request.max_tokens = 100;
  request.seed = 7;
  request.json_schema = R"({"type":"object","properties":{"label":{"type":"string"}},"required":["label"]})";
  request.schema_name = "label";
  return request;
}

const char* const kBase = "https://api.openai.com/v1";

}  // namespace

TEST(ChatRequestBody, HoldsModelMessagesSamplingAndResponseFormat) {
  const json body = json::parse(llm::request_body("gpt-4o-mini", sample_request(), true));
  EXPECT_EQ(body["model"], "gpt-4o-mini");
  EXPECT_EQ(body["messages"], json::parse(R"([{"role":"system","content":"Label the text."},
                                                {"role":"user","content":"A fine film."}])"));
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.2);
  EXPECT_EQ(body["max_tokens"], 100);
  EXPECT_EQ(body["seed"], 7);
  EXPECT_EQ(body["response_format"], json::parse(R"({"type":"json_schema","json_schema":{"name":"label","strict":true,
      "schema":{"type":"object","properties":{"label":{"type":"string"}},"required":["label"]}}})"));
}

TEST(ChatRequestBody, FreeTextHasNoResponseFormatAndNoSeedUnlessSet) {
  ChatRequest request;
  request.messages = {{"user", "hi"}};
  const json body = json::parse(llm::request_body("m", request, true));
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_EQ(body["max_tokens"], 512);
  EXPECT_EQ(body["temperature"], 0.0);
}

TEST(ChatRequestBody, WithoutResponseFormatPutsTheSchemaIntoTheLastMessage) {
  const json body = json::parse(llm::request_body("m", sample_request(), false));
  EXPECT_FALSE(body.contains("response_format"));
  const std::string last = body["messages"][1]["content"];
  EXPECT_THAT(last, testing::StartsWith("A fine film.\n\n"));
  EXPECT_THAT(last, HasSubstr("JSON Schema"));
  EXPECT_THAT(last, HasSubstr(R"({"properties":{"label":{"type":"string"}},"required":["label"],"type":"object"})"));
  EXPECT_EQ(body["messages"][0]["content"], "Label the text.");
}

TEST(ChatRequestBody, InvalidSchemaIsAUsageErrorNamingTheSchema) {
  ChatRequest request = sample_request();
  request.json_schema = "{not json";
  const core::Error error = test::expect_error([&] { llm::request_body("m", request, true); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("json_schema (\"label\") is not valid JSON"));
}

TEST(ChatCacheKey, IsStableAcrossRunsAndBuilds) {
  // A changed value here means every stored reply of every workspace is lost to the cache.
  EXPECT_EQ(llm::cache_key(kBase, "gpt-4o-mini", sample_request()),
            "df9832123d644436fb59fdec8edf5d72d293e107b9a15638614a8e58b276547c");
}

TEST(ChatCacheKey, ChangesWithEveryField) {
  const std::string base = llm::cache_key(kBase, "gpt-4o-mini", sample_request());
  const auto key_with = [](auto change) {
    ChatRequest request = sample_request();
    change(request);
    return llm::cache_key(kBase, "gpt-4o-mini", request);
  };
  EXPECT_NE(llm::cache_key("http://127.0.0.1:8080/v1", "gpt-4o-mini", sample_request()), base);
  EXPECT_NE(llm::cache_key(kBase, "gpt-4o", sample_request()), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.messages[1].content += " "; }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.messages[1].role = "assistant"; }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.messages.pop_back(); }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.temperature = 0.3; }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.max_tokens = 101; }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.seed = 8; }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.seed.reset(); }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.json_schema = R"({"type":"string"})"; }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.json_schema.clear(); }), base);
  EXPECT_NE(key_with([](ChatRequest& r) { r.schema_name = "other"; }), base);
}

TEST(ChatCacheKey, IgnoresSchemaWhitespaceAndTrailingSlashOfTheBaseUrl) {
  ChatRequest spaced = sample_request();
  spaced.json_schema =
      R"({ "type": "object", "properties": { "label": { "type": "string" } }, "required": ["label"] })";
  EXPECT_EQ(llm::cache_key(kBase, "gpt-4o-mini", spaced), llm::cache_key(kBase, "gpt-4o-mini", sample_request()));
  EXPECT_EQ(llm::cache_key("https://api.openai.com/v1/", "gpt-4o-mini", sample_request()),
            llm::cache_key(kBase, "gpt-4o-mini", sample_request()));
}

TEST(ChatCacheKey, MessageBoundariesMatter) {
  ChatRequest one;
  one.messages = {{"user", "ab"}, {"user", "c"}};
  ChatRequest two;
  two.messages = {{"user", "a"}, {"user", "bc"}};
  EXPECT_NE(llm::cache_key(kBase, "m", one), llm::cache_key(kBase, "m", two));
}

TEST(ChatParse, ReadsContentFinishReasonModelAndUsage) {
  const auto response =
      llm::parse_response_body(R"({"id":"x","object":"chat.completion","model":"gpt-4o-mini-2024-07-18",
      "choices":[{"index":0,"message":{"role":"assistant","content":"{\"label\":\"positive\"}"},"finish_reason":"stop"}],
      "usage":{"prompt_tokens":52,"completion_tokens":7,"total_tokens":59}})");
  EXPECT_EQ(response.content, R"({"label":"positive"})");
  EXPECT_EQ(response.finish_reason, "stop");
  EXPECT_EQ(response.model, "gpt-4o-mini-2024-07-18");
  EXPECT_EQ(response.usage, (llm::Usage{52, 7}));
  EXPECT_FALSE(response.cached);
}

TEST(ChatParse, MissingUsageAndFinishReasonAreZeroAndEmpty) {
  const auto response = llm::parse_response_body(R"({"choices":[{"message":{"content":"hi"}}]})");
  EXPECT_EQ(response.content, "hi");
  EXPECT_EQ(response.finish_reason, "");
  EXPECT_EQ(response.usage, (llm::Usage{0, 0}));
}

TEST(ChatParse, MalformedBodiesAreRemoteErrorsSayingWhatIsWrong) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {R"({"choices":[{"message":{"content":"cut)", "the reply is not JSON (38 bytes)"},
      {"", "the reply is not JSON (0 bytes)"},
      {R"({"object":"chat.completion"})", "the reply has no choices"},
      {R"({"choices":[]})", "the reply has no choices"},
      {R"({"choices":[{"message":{"role":"assistant","content":null}}]})", "no choices[0].message.content"},
      {R"({"choices":[{"message":{"content":null,"refusal":"I cannot help"}}]})", "the model refused: I cannot help"},
      {R"({"error":{"message":"overloaded","type":"server_error"}})", "the reply is an error: overloaded"},
      {"[1,2]", "the reply has no choices"},
  };
  for (const Case& c : cases) {
    const core::Error error = test::expect_error([&] { llm::parse_response_body(c.body); });
    EXPECT_EQ(error.kind(), core::ErrorKind::remote) << c.body;
    EXPECT_THAT(error.what(), HasSubstr(c.message)) << c.body;
  }
}
