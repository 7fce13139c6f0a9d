#include "blindspot/web/server.hpp"

#include "app.hpp"
#include "guarded_server.hpp"
#include "handlers.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/web/invitations.hpp"

#include <httplib.h>

#include <array>
#include <chrono>
#include <cmath>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace blindspot::web {
namespace {

using core::Error;
using core::ErrorKind;

// Every response carries these (docs/web.md, "Security model"). No inline script or style
// anywhere, so the policy allows only our own files; connect-src for the heartbeat's fetch.
httplib::Headers security_headers() {
  return {{"Content-Security-Policy",
           "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          // same-origin rather than no-referrer: with no-referrer, browsers send "Origin: null" on
          // form posts, and the same-origin check could not tell our forms from a sandboxed
          // attacker's. No page links elsewhere, so nothing leaks either way.
          {"Referrer-Policy", "same-origin"},
          {"X-Frame-Options", "DENY"},
          {"Cache-Control", "no-store"}};
}

// httplib 0.11 listens with a backlog of 5: a burst of more connects than that loses SYNs, which
// the kernel retransmits a whole second later. listen() again on the listening socket (found by
// its port, as httplib does not expose it) only resizes its queue.
void widen_accept_queue(int port) {
  for (int fd = 3; fd < 65536; ++fd) {
    sockaddr_storage local{};
    socklen_t size = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) != 0) continue;
    int local_port = -1;
    if (local.ss_family == AF_INET) local_port = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    if (local.ss_family == AF_INET6) local_port = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    if (local_port != port) continue;
    sockaddr_storage peer{};
    socklen_t peer_size = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0) continue;  // a connection
    int accepting = 0;
    socklen_t flag_size = sizeof accepting;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &flag_size) == 0 && accepting != 0) {
      ::listen(fd, SOMAXCONN);
      return;
    }
  }
}

double system_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::size_t derived_body_limit(int samples_per_uu) {
  // Percent-encoding triples a byte; each sample has a text and a reasoning, plus two hypotheses.
  constexpr std::size_t kPerSample = 3 * 3 * (10000 + 2000 + 100);
  return 64 * 1024 + static_cast<std::size_t>(std::max(samples_per_uu, 1)) * kPerSample;
}

// Feedback scores the campaign's labels; a model with other labels would score another task.
void check_model_labels(const model::Classifier& model, const data::LabelSet& labels) {
  if (model.labels().names() != labels.names()) {
    throw Error(ErrorKind::usage, "--model has the labels " + model.labels().joined() + ", the campaign's are " +
                                      labels.joined() + ": live feedback needs the campaign's own model");
  }
}

// A wildcard listening address is no address to send people: this machine's name is.
std::string reachable_host(const std::string& host) {
  if (host != "0.0.0.0" && host != "::" && host != "[::]") return host;
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return host;
  return name.data();
}

ConnectionRules connection_rules(const ServerOptions& options) {
  ConnectionRules rules;
  rules.request_timeout = std::chrono::milliseconds(std::llround(options.request_timeout_seconds * 1000));
  rules.max_connections_per_client = options.max_connections_per_client;
  rules.max_body_bytes = options.max_body_bytes;
  return rules;
}

}  // namespace

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  return Lease(*this, std::make_unique<store::Database>(store::Database::open(file_)));
}

void ConnectionPool::give_back(std::unique_ptr<store::Database> db) {
  const std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(db));
}

App::App(std::filesystem::path store_file, std::int64_t campaign_run, ServerOptions server_options)
    : options(std::move(server_options)), pool(std::move(store_file)) {
  {
    auto lease = pool.acquire();
    auto loaded = teach::load_campaign(lease.db(), campaign_run);
    if (!loaded) {
      throw Error(ErrorKind::bad_input, "run " + std::to_string(campaign_run) + " holds no annotation campaign");
    }
    campaign = std::move(*loaded);
  }
  for (std::size_t i = 0; i < campaign.uus.size(); ++i) {
    uu_index.emplace(campaign.uus[i].id, i);
    if (campaign.uus[i].label_issue) label_issue_uus.insert(campaign.uus[i].id);
  }
  if (!options.clock) options.clock = system_now;
  if (options.task_description.empty()) {
    options.task_description = "label each text as one of: " + campaign.labels.joined();
  }
  if (options.max_body_bytes == 0) options.max_body_bytes = derived_body_limit(options.samples_per_uu);
  if (options.samples_per_uu < 1 || options.samples_per_uu > 20) {
    throw Error(ErrorKind::usage, "--samples must be from 1 to 20, got " + std::to_string(options.samples_per_uu));
  }
  if (options.assignment.per_uu < 1) throw Error(ErrorKind::usage, "--per-uu must be at least 1");
  if (!std::isfinite(options.request_timeout_seconds) || options.request_timeout_seconds < 0.1 ||
      options.request_timeout_seconds > 3600) {
    throw Error(ErrorKind::usage, "--request-timeout must be from 0.1 to 3600 seconds, got " +
                                      std::to_string(options.request_timeout_seconds));
  }
  if (!options.base_url.empty()) options.base_url = normalized_base_url(options.base_url);
  if (!options.worked_example) options.worked_example = worked_example_from_campaign(campaign);
  if (options.model) check_model_labels(*options.model, campaign.labels);
  if (options.feedback_per_minute < 1) {
    throw Error(ErrorKind::usage,
                "--feedback-per-minute must be at least 1, got " + std::to_string(options.feedback_per_minute));
  }
  if (options.max_connections_per_client < 0) {
    throw Error(ErrorKind::usage, "--max-connections-per-client must be 0 (no limit) or more, got " +
                                      std::to_string(options.max_connections_per_client));
  }
}

double App::now() const { return options.clock(); }

const discover::Uu* App::find_uu(const std::string& id) const {
  const auto it = uu_index.find(id);
  return it == uu_index.end() ? nullptr : &campaign.uus[it->second];
}

struct Server::Impl {
  App app;
  // Request deadlines, a connection limit per client address and early 413s (guarded_server.hpp).
  GuardedServer http;
  std::thread thread;
  int port = -1;
  bool bound = false;

  Impl(std::filesystem::path store_file, std::int64_t campaign_run, ServerOptions options)
      : app(std::move(store_file), campaign_run, std::move(options)), http(connection_rules(app.options)) {
    const int threads = std::max(app.options.threads, 1);
    http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    http.set_tcp_nodelay(true);
    http.set_default_headers(security_headers());
    // httplib closes a keep-alive connection after 5 requests by default; annotators' browsers
    // (and the load test's clients) keep one connection for a whole session.
    http.set_keep_alive_max_count(1000);
    http.set_error_handler(render_error_page);
    register_routes(http, app);
  }
};

Server::Server(std::filesystem::path store_file, std::int64_t campaign_run, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(store_file), campaign_run, std::move(options))) {}

Server::~Server() {
  stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int Server::bind() {
  if (impl_->bound) return impl_->port;
  const auto& options = impl_->app.options;
  if (options.port == 0) {
    impl_->port = impl_->http.bind_to_any_port(options.host);
  } else {
    impl_->port = impl_->http.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  if (impl_->port <= 0) {
    throw Error(ErrorKind::io, "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                   " (address in use, or not an address of this machine?)");
  }
  widen_accept_queue(impl_->port);
  impl_->bound = true;
  return impl_->port;
}

void Server::run() {
  bind();
  impl_->http.listen_after_bind();
}

int Server::start() {
  bind();
  impl_->thread = std::thread([this] { impl_->http.listen_after_bind(); });
  // httplib 0.11 has no wait_until_ready(); it is running once listen_after_bind has begun.
  for (int i = 0; i < 2000 && !impl_->http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return impl_->port;
}

void Server::stop() { impl_->http.stop(); }

int Server::port() const noexcept { return impl_->port; }

namespace {

std::string http_url(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

std::string Server::url() const { return http_url(impl_->app.options.host, impl_->port); }

std::string Server::public_url() const {
  if (!impl_->app.options.base_url.empty()) return impl_->app.options.base_url;
  return http_url(reachable_host(impl_->app.options.host), impl_->port);
}

}  // namespace blindspot::web
