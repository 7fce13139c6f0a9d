#include "blindspot/llm/http_transport.hpp"

#include "blindspot/llm/backoff.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <utility>
#include <vector>

namespace blindspot::llm {
namespace {

std::string seconds_text(double seconds) { return fmt::format("{:g}", seconds); }

std::pair<time_t, time_t> seconds_and_micros(double seconds) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::duration<double>(seconds));
  return {static_cast<time_t>(micros.count() / 1'000'000), static_cast<time_t>(micros.count() % 1'000'000)};
}

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

UrlParts split_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  const auto host_begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto path_begin = url.find('/', host_begin);
  UrlParts parts;
  parts.origin = std::string(url.substr(0, path_begin));
  if (path_begin != std::string_view::npos) parts.path = std::string(url.substr(path_begin));
  return parts;
}

struct HttpTransport::Impl {
  std::string origin;
  HttpSettings settings;
  httplib::Headers headers;
  std::mutex mutex;
  std::vector<std::unique_ptr<httplib::Client>> idle;

  double connect_timeout_seconds() const {
    return std::min(settings.timeout_seconds, settings.connect_timeout_seconds);
  }

  std::unique_ptr<httplib::Client> make_client() const {
    auto client = std::make_unique<httplib::Client>(origin);
    // Without TCP_NODELAY each small request waits for the peer's delayed ACK: 26 ms per call on
    // loopback (docs/llm.md, measurement in the ecosystem notes).
    client->set_tcp_nodelay(true);
    client->set_keep_alive(true);
    const auto [whole, rest] = seconds_and_micros(settings.timeout_seconds);
    const auto [connect_whole, connect_rest] = seconds_and_micros(connect_timeout_seconds());
    client->set_connection_timeout(connect_whole, connect_rest);
    client->set_read_timeout(whole, rest);
    client->set_write_timeout(whole, rest);
    if (origin.starts_with("https://")) {
      client->enable_server_certificate_verification(true);
      // Without a CA file httplib loads the system store (SSL_CTX_set_default_verify_paths).
      if (!settings.ca_file.empty()) client->set_ca_cert_path(settings.ca_file.string());
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

  // One request on a borrowed connection; the connection goes back to the pool only after a
  // complete reply (one that failed mid-exchange is not worth keeping).
  template <typename Send>
  HttpReply exchange(Send send) {
    auto client = borrow();
    const auto started = std::chrono::steady_clock::now();
    const httplib::Result result = send(*client);
    HttpReply reply;
    if (!result) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      reply.network_error = describe(result.error(), *client, elapsed, reply);
      return reply;
    }
    reply.status = result->status;
    reply.body = result->body;
    reply.retry_after_seconds = retry_after(*result);
    give_back(std::move(client));
    return reply;
  }

  // Sets reply.retryable_network_error and reply.unreachable.
  std::string describe(httplib::Error error, const httplib::Client& client, double elapsed_seconds,
                       HttpReply& reply) const {
    bool& retryable = reply.retryable_network_error;
    retryable = true;
    reply.unreachable = true;
    switch (error) {
      case httplib::Error::Connection:
        return "cannot connect to " + origin + " (refused or unreachable)";
      case httplib::Error::ConnectionTimeout:
        return "cannot connect to " + origin + " (no connection within " + seconds_text(connect_timeout_seconds()) +
               " s)";
      case httplib::Error::Read:
        // httplib reports a read timeout as a read error; the clock tells them apart.
        if (elapsed_seconds >= settings.timeout_seconds * 0.95) {
          reply.unreachable = false;
          return "no reply within " + seconds_text(settings.timeout_seconds) + " s (" + settings.timeout_setting + ")";
        }
        return "the connection was closed before a complete reply";
      case httplib::Error::Write:
        return "the connection was closed while sending the request";
      case httplib::Error::SSLServerVerification:
      case httplib::Error::SSLConnection: {
        reply.unreachable = false;
        const long verify = client.get_openssl_verify_result();
        if (verify != X509_V_OK) {
          retryable = false;
          return "the server's TLS certificate failed verification (" +
                 std::string(X509_verify_cert_error_string(verify)) + ")" +
                 (settings.ca_file.empty() ? "; if it is signed by a private CA, set " + settings.ca_file_setting
                                           : "; " + settings.ca_file_setting + " is " + settings.ca_file.string());
        }
        return "the TLS handshake failed";
      }
      case httplib::Error::SSLLoadingCerts:
        retryable = false;
        reply.unreachable = false;
        return "cannot load the CA certificates" +
               (settings.ca_file.empty() ? std::string(" of the system store") : " from " + settings.ca_file.string());
      default:
        reply.unreachable = false;
        return "network error " + httplib::to_string(error);
    }
  }
};

HttpTransport::HttpTransport(std::string origin, HttpSettings settings) : impl_(std::make_unique<Impl>()) {
  impl_->origin = std::move(origin);
  impl_->settings = std::move(settings);
  impl_->headers.emplace("Accept", "application/json");
  if (!impl_->settings.bearer_token.empty()) {
    impl_->headers.emplace("Authorization", "Bearer " + impl_->settings.bearer_token);
  }
}

HttpTransport::~HttpTransport() = default;

HttpReply HttpTransport::get(const std::string& path) {
  return impl_->exchange([&](httplib::Client& client) { return client.Get(path.c_str(), impl_->headers); });
}

HttpReply HttpTransport::post(const std::string& path, const std::string& json_body) {
  return impl_->exchange(
      [&](httplib::Client& client) { return client.Post(path.c_str(), impl_->headers, json_body, "application/json"); });
}

const std::string& HttpTransport::origin() const noexcept { return impl_->origin; }

}  // namespace blindspot::llm
