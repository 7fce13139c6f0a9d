#include "http_transport.hpp"

#include "backoff.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/x509.h>

#include <chrono>
#include <mutex>
#include <vector>

namespace blindspot::llm::detail {
namespace {

struct UrlParts {
  std::string scheme_host_port;  // "https://api.openai.com:443"
  std::string path_prefix;       // "/v1" (no trailing slash)
};

UrlParts split_url(const std::string& base_url) {
  const auto host_begin = base_url.find("://") + 3;
  const auto path_begin = base_url.find('/', host_begin);
  UrlParts parts;
  parts.scheme_host_port = base_url.substr(0, path_begin);
  if (path_begin != std::string::npos) parts.path_prefix = base_url.substr(path_begin);
  while (!parts.path_prefix.empty() && parts.path_prefix.back() == '/') parts.path_prefix.pop_back();
  return parts;
}

std::string seconds_text(double seconds) { return fmt::format("{:g}", seconds); }

std::optional<double> retry_after(const httplib::Response& response) {
  // OpenAI sends retry-after-ms, finer than the standard header's whole seconds.
  if (response.has_header("retry-after-ms")) {
    if (const auto millis =
            parse_retry_after(response.get_header_value("retry-after-ms"), std::chrono::system_clock::now())) {
      return *millis / 1000.0;
    }
  }
  if (response.has_header("Retry-After")) {
    return parse_retry_after(response.get_header_value("Retry-After"), std::chrono::system_clock::now());
  }
  return std::nullopt;
}

}  // namespace

struct HttpTransport::Impl {
  Endpoint endpoint;
  UrlParts parts;
  std::string path;
  std::string url;
  httplib::Headers headers;
  std::mutex mutex;
  std::vector<std::unique_ptr<httplib::Client>> idle;

  std::unique_ptr<httplib::Client> make_client() const {
    auto client = std::make_unique<httplib::Client>(parts.scheme_host_port);
    // Without TCP_NODELAY each small request waits for the peer's delayed ACK: 26 ms per call on
    // loopback (docs/llm.md, measurement in the ecosystem notes).
    client->set_tcp_nodelay(true);
    client->set_keep_alive(true);
    const auto timeout = std::chrono::duration<double>(endpoint.timeout_seconds);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout);
    const auto whole = static_cast<time_t>(micros.count() / 1'000'000);
    const auto rest = static_cast<time_t>(micros.count() % 1'000'000);
    client->set_connection_timeout(whole, rest);
    client->set_read_timeout(whole, rest);
    client->set_write_timeout(whole, rest);
    if (endpoint.base_url.starts_with("https://")) {
      client->enable_server_certificate_verification(true);
      // Without a CA file httplib loads the system store (SSL_CTX_set_default_verify_paths).
      if (!endpoint.ca_file.empty()) client->set_ca_cert_path(endpoint.ca_file.string());
    }
    return client;
  }

  std::unique_ptr<httplib::Client> borrow() {
    {
      const std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto client = std::move(idle.back());
        idle.pop_back();
        return client;
      }
    }
    return make_client();
  }

  void give_back(std::unique_ptr<httplib::Client> client) {
    const std::lock_guard lock(mutex);
    idle.push_back(std::move(client));
  }

  std::string describe(httplib::Error error, const httplib::Client& client, double elapsed_seconds,
                       bool& retryable) const {
    retryable = true;
    switch (error) {
      case httplib::Error::Connection:
        return "cannot connect to " + parts.scheme_host_port + " (refused or unreachable)";
      case httplib::Error::ConnectionTimeout:
        return "no connection within " + seconds_text(endpoint.timeout_seconds) + " s (timeout_seconds)";
      case httplib::Error::Read:
        // httplib reports a read timeout as a read error; the clock tells them apart.
        if (elapsed_seconds >= endpoint.timeout_seconds * 0.95) {
          return "no reply within " + seconds_text(endpoint.timeout_seconds) + " s (timeout_seconds)";
        }
        return "the connection was closed before a complete reply";
      case httplib::Error::Write:
        return "the connection was closed while sending the request";
      case httplib::Error::SSLServerVerification:
      case httplib::Error::SSLConnection: {
        const long verify = client.get_openssl_verify_result();
        if (verify != X509_V_OK) {
          retryable = false;
          return "the server's TLS certificate failed verification (" +
                 std::string(X509_verify_cert_error_string(verify)) + ")" +
                 (endpoint.ca_file.empty() ? "; if it is signed by a private CA, set ca_file"
                                           : "; ca_file is " + endpoint.ca_file.string());
        }
        return "the TLS handshake failed";
      }
      case httplib::Error::SSLLoadingCerts:
        retryable = false;
        return "cannot load the CA certificates" +
               (endpoint.ca_file.empty() ? std::string(" of the system store") : " from " + endpoint.ca_file.string());
      default:
        return "network error " + httplib::to_string(error);
    }
  }
};

HttpTransport::HttpTransport(const Endpoint& endpoint) : impl_(std::make_unique<Impl>()) {
  impl_->endpoint = endpoint;
  impl_->parts = split_url(endpoint.base_url);
  impl_->path = impl_->parts.path_prefix + "/chat/completions";
  impl_->url = impl_->parts.scheme_host_port + impl_->path;
  impl_->headers.emplace("Accept", "application/json");
  if (!endpoint.api_key.empty()) impl_->headers.emplace("Authorization", "Bearer " + endpoint.api_key);
}

HttpTransport::~HttpTransport() = default;

HttpReply HttpTransport::post(const std::string& json_body) {
  auto client = impl_->borrow();
  const auto started = std::chrono::steady_clock::now();
  const httplib::Result result = client->Post(impl_->path, impl_->headers, json_body, "application/json");
  HttpReply reply;
  if (!result) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    reply.network_error = impl_->describe(result.error(), *client, elapsed, reply.retryable_network_error);
    // A connection that failed mid-exchange is not worth keeping; the next call opens a fresh one.
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  reply.retry_after_seconds = retry_after(*result);
  impl_->give_back(std::move(client));
  return reply;
}

const std::string& HttpTransport::url() const noexcept { return impl_->url; }

}  // namespace blindspot::llm::detail
