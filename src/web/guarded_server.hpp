#pragma once

// Private to the web module: httplib's server with the connection rules slow and greedy clients
// need (docs/web.md, "Slow and greedy clients"). httplib 0.11 gives each connection a worker for
// as long as it lasts and times out each recv separately, so 64 clients sending a header line
// every few seconds held every worker (issue 13). This server replaces httplib's per-connection
// loop (its virtual process_and_close_socket) with one that
// - admits at most `max_connections_per_client` connections per client address (503 beyond),
// - gives each request a deadline for all its bytes (DeadlineStream),
// - refuses a declared body over the limit (413) or of unknown length (411) before reading it,
//   and closes the connection after such a refusal, as the unread body follows.

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace blindspot::web {

struct ConnectionRules {
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds keep_alive_timeout{5'000};
  int max_connections_per_client = 16;  // 0 = no limit
  std::size_t max_body_bytes = 0;
};

// The status a request is refused with before its body is read (413, 411), or 0 to read it.
int body_refusal(const httplib::Request& request, std::size_t max_body_bytes);

class GuardedServer final : public httplib::Server {
 public:
  explicit GuardedServer(const ConnectionRules& rules);

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Requests on one admitted connection until it closes, idles out, breaks a rule or the server stops.
  void serve_connection(socket_t sock);
  // Counts the connection of `client`; false if that address already holds its limit.
  bool admit(const std::string& client);
  void release(const std::string& client);
  bool stopping() const;

  ConnectionRules rules_;
  std::mutex clients_mutex_;
  std::unordered_map<std::string, int> connections_by_client_;
};

}  // namespace blindspot::web
