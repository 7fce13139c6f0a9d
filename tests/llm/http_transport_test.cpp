// The HTTP transport shared by the chat client and the inference-server model: GET and POST on
// any path of one origin.
#include "blindspot/llm/http_transport.hpp"

#include "support/protocol_server.hpp"

#include <gtest/gtest.h>

using namespace blindspot;

TEST(HttpTransport, SplitsAUrlIntoOriginAndPath) {
  EXPECT_EQ(llm::split_url("https://api.openai.com/v1").origin, "https://api.openai.com");
  EXPECT_EQ(llm::split_url("https://api.openai.com/v1").path, "/v1");
  EXPECT_EQ(llm::split_url("http://127.0.0.1:8000/v2/models/m").path, "/v2/models/m");
  EXPECT_EQ(llm::split_url("http://127.0.0.1:8000").origin, "http://127.0.0.1:8000");
  EXPECT_EQ(llm::split_url("http://127.0.0.1:8000").path, "");
}

TEST(HttpTransport, GetsAndPostsAnyPathOfOneOrigin) {
  test::ProtocolServer server;
  const auto parts = llm::split_url(server.base_url());
  llm::HttpSettings settings;
  settings.timeout_seconds = 5;
  settings.bearer_token = "k-123";
  llm::HttpTransport transport(parts.origin, settings);
  EXPECT_EQ(transport.origin(), parts.origin);

  const llm::HttpReply health = transport.get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");

  const llm::HttpReply chat = transport.post(
      parts.path + "/chat/completions", R"({"model":"m","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(chat.status, 200);
  EXPECT_NE(chat.body.find("echo: hi"), std::string::npos);
  EXPECT_EQ(server.stats().authorization.back(), "Bearer k-123");

  EXPECT_EQ(transport.get("/nowhere").status, 404);
}

TEST(HttpTransport, ReportsARefusedConnectionAsARetryableNetworkError) {
  std::string origin;
  {
    const test::ProtocolServer closed;
    origin = llm::split_url(closed.base_url()).origin;
  }
  llm::HttpSettings settings;
  settings.timeout_seconds = 1;
  llm::HttpTransport transport(origin, settings);
  const llm::HttpReply reply = transport.get("/health");
  EXPECT_EQ(reply.status, 0);
  EXPECT_TRUE(reply.retryable_network_error);
  EXPECT_NE(reply.network_error.find("cannot connect to " + origin), std::string::npos) << reply.network_error;
}
