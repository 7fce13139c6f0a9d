#include "blindspot/llm/client.hpp"

#include "llm_test_support.hpp"
#include "support/protocol_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

using namespace blindspot;
using testing::HasSubstr;

// A self-signed CA certificate for 127.0.0.1, made with the openssl CLI as a user would.
class ChatClientHttps : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    const auto result = test::run_command(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
        key().string() + "' -out '" + cert().string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.errors;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::filesystem::path cert() { return *dir_ / "ca.pem"; }
  static std::filesystem::path key() { return *dir_ / "key.pem"; }

  static test::ProtocolServerOptions tls() {
    test::ProtocolServerOptions options;
    options.cert_file = cert();
    options.key_file = key();
    return options;
  }

  static std::unique_ptr<test::TempDir> dir_;
};

std::unique_ptr<test::TempDir> ChatClientHttps::dir_;

TEST_F(ChatClientHttps, VerifiesTheServerWithTheCaFile) {
  test::ProtocolServer server(tls());
  ASSERT_THAT(server.base_url(), testing::StartsWith("https://127.0.0.1:"));
  test::LlmWorkspace ws;
  auto endpoint = test::test_endpoint(server.base_url());
  endpoint.ca_file = cert();
  endpoint.api_key = "sk-secret";
  llm::ChatClient client(endpoint, ws.db, ws.run_id, {});
  EXPECT_EQ(client.complete(test::user_request("over tls")).content, "echo: over tls");
  EXPECT_EQ(server.stats().authorization.back(), "Bearer sk-secret");
}

TEST_F(ChatClientHttps, WithoutTheCaFileFailsAtOnceWithAClearError) {
  test::ProtocolServer server(tls());
  test::LlmWorkspace ws;
  llm::ChatClient client(test::test_endpoint(server.base_url()), ws.db, ws.run_id, {});
  const core::Error error = test::expect_error([&] { client.complete(test::user_request("x")); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  EXPECT_THAT(error.what(), HasSubstr("POST " + server.base_url() + "/chat/completions"));
  EXPECT_THAT(error.what(), HasSubstr("the server's TLS certificate failed verification (self-signed certificate)"));
  EXPECT_THAT(error.what(), HasSubstr("set ca_file"));
  EXPECT_THAT(error.what(), HasSubstr("(not retried)"));
  EXPECT_EQ(client.ledger().http_attempts, 1);
  EXPECT_EQ(server.stats().requests, 0);
}
