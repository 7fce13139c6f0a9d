#include "guarded_server.hpp"

#include "deadline_stream.hpp"

#include <string>

#include <sys/socket.h>
#include <unistd.h>

namespace blindspot::web {
namespace {

// Written straight to the socket: the connection is refused before httplib reads anything.
std::string too_many_connections_response() {
  const std::string body = "Busy: too many connections from your address. Retry in a few seconds.\n";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "X-Content-Type-Options: nosniff\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

void close_connection(socket_t sock) {
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

}  // namespace

int body_refusal(const httplib::Request& request, std::size_t max_body_bytes) {
  // httplib 0.11 reads a chunked body without its payload limit, so no length, no body: 411.
  if (request.has_header("Transfer-Encoding")) return 411;
  if (!request.has_header("Content-Length")) return 0;
  const std::string& declared = request.get_header_value("Content-Length");
  if (declared.empty() || declared.size() > 18 || declared.find_first_not_of("0123456789") != std::string::npos) {
    return 413;  // not a length we could ever accept
  }
  return std::stoull(declared) > max_body_bytes ? 413 : 0;
}

GuardedServer::GuardedServer(const ConnectionRules& rules) : rules_(rules) {
  set_payload_max_length(rules.max_body_bytes);
  set_keep_alive_timeout(std::chrono::duration_cast<std::chrono::seconds>(rules.keep_alive_timeout).count());
  // Answered before routing reads the body; the error handler renders the page.
  set_pre_routing_handler([max = rules.max_body_bytes](const httplib::Request& request, httplib::Response& response) {
    const int refusal = body_refusal(request, max);
    if (refusal == 0) return HandlerResponse::Unhandled;
    response.status = refusal;
    return HandlerResponse::Handled;
  });
}

bool GuardedServer::stopping() const { return svr_sock_ == INVALID_SOCKET; }

bool GuardedServer::admit(const std::string& client) {
  const std::lock_guard<std::mutex> lock(clients_mutex_);
  int& held = connections_by_client_[client];
  if (rules_.max_connections_per_client > 0 && held >= rules_.max_connections_per_client) {
    if (held == 0) connections_by_client_.erase(client);
    return false;
  }
  ++held;
  return true;
}

void GuardedServer::release(const std::string& client) {
  const std::lock_guard<std::mutex> lock(clients_mutex_);
  const auto found = connections_by_client_.find(client);
  if (found != connections_by_client_.end() && --found->second <= 0) connections_by_client_.erase(found);
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  const std::string client = peer_address(sock);
  if (!admit(client)) {
    static const std::string kRefusal = too_many_connections_response();
    ::send(sock, kRefusal.data(), kRefusal.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    close_connection(sock);
    return false;
  }
  serve_connection(sock);
  release(client);
  close_connection(sock);
  return true;
}

void GuardedServer::serve_connection(socket_t sock) {
  const auto is_stopping = [this] { return stopping(); };
  for (std::size_t served = 0; served < keep_alive_max_count_; ++served) {
    // Idle before the request's first byte (a new connection, or keep-alive between requests).
    if (!wait_readable(sock, SteadyClock::now() + rules_.keep_alive_timeout, is_stopping)) return;
    DeadlineStream stream(sock, SteadyClock::now() + rules_.request_timeout, is_stopping);
    bool refused_body = false;
    bool connection_closed = false;
    const bool last = served + 1 == keep_alive_max_count_;
    const bool ok = process_request(stream, last || stopping(), connection_closed, [&](httplib::Request& request) {
      refused_body = body_refusal(request, rules_.max_body_bytes) != 0;
      // The unread body would follow as the next request: say that the connection ends here.
      if (refused_body) request.set_header("Connection", "close");
      // RFC 9112 6.3: a request with neither Content-Length nor Transfer-Encoding has no body;
      // httplib 0.11 would read one until the client closes.
      if (!request.has_header("Content-Length") && !request.has_header("Transfer-Encoding")) {
        request.set_header("Content-Length", "0");
      }
    });
    if (!ok || connection_closed || refused_body || stream.expired() || last) return;
  }
}

}  // namespace blindspot::web
