#pragma once

// Raw TCP clients for the web suites: requests httplib's client cannot send (a header line now
// and then, a body that never comes), from any loopback address (127.0.0.0/8 is all local on
// Linux, so 127.0.0.2 is "another client" for the server's per-address limit).

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace blindspot::test {

using Milliseconds = std::chrono::milliseconds;

// One connection to 127.0.0.1:`port` from `source`; closed when the object dies.
class RawConnection {
 public:
  RawConnection(int port, const std::string& source = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  bool connected() const noexcept { return fd_ >= 0; }
  // False once the server has closed the connection (or it never opened).
  bool send(std::string_view bytes);
  // Whatever the server sent until it closed the connection or `timeout` passed.
  std::string read_until_closed(Milliseconds timeout);
  // True when the server sent something or closed the connection (does not wait).
  bool server_answered();

 private:
  int fd_ = -1;
};

// `connections` connections from `source`, each sending a request line and then one header line
// every `interval`, never finishing; a connection the server closes is opened again (after one
// interval), so the attack keeps its size. All driven by one thread, until stop() or destruction.
class Slowloris {
 public:
  Slowloris(int port, std::string source, int connections, Milliseconds interval);
  ~Slowloris();
  Slowloris(const Slowloris&) = delete;
  Slowloris& operator=(const Slowloris&) = delete;
  void stop();
  // Connections the server closed or refused so far.
  int closed_by_server() const noexcept { return closed_.load(); }
  // Connections currently open.
  int open() const noexcept { return open_.load(); }

 private:
  void run(int port, const std::string& source, int connections, Milliseconds interval);
  std::atomic<bool> stopping_{false};
  std::atomic<int> closed_{0};
  std::atomic<int> open_{0};
  std::thread thread_;
};

// Latencies in ms of `requests` GETs of `path`, each on a new connection (as new visitors, or
// browsers after their keep-alive ends, arrive); a failed request counts as `timeout` and is
// listed in `failures`. Stops early after 3 failures.
struct TimedRequests {
  std::vector<double> latency_ms;
  std::vector<std::string> failures;
};
TimedRequests timed_requests(int port, const std::string& path, int requests, Milliseconds timeout);

// The p-quantile (0..1) of `values`, nearest rank; 0 for none.
double percentile(std::vector<double> values, double p);

}  // namespace blindspot::test
