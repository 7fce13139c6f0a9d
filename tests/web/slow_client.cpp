#include "slow_client.hpp"

#include <httplib.h>

#include <algorithm>
#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace blindspot::test {
namespace {

using Clock = std::chrono::steady_clock;

int connect_from(int port, const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Something to read, or the end of the stream: the server answered or hung up.
bool readable_now(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) > 0;
}

struct SlowSocket {
  int fd = -1;
  int lines = 0;
  Clock::time_point next_send;
};

}  // namespace

RawConnection::RawConnection(int port, const std::string& source) : fd_(connect_from(port, source)) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) { return fd_ >= 0 && send_all(fd_, bytes); }

std::string RawConnection::read_until_closed(Milliseconds timeout) {
  std::string received;
  const auto deadline = Clock::now() + timeout;
  char buffer[4096];
  while (fd_ >= 0) {
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd entry{fd_, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    received.append(buffer, static_cast<std::size_t>(got));
  }
  return received;
}

bool RawConnection::server_answered() { return fd_ < 0 || readable_now(fd_); }

Slowloris::Slowloris(int port, std::string source, int connections, Milliseconds interval)
    : thread_([this, port, source = std::move(source), connections, interval] {
        run(port, source, connections, interval);
      }) {}

Slowloris::~Slowloris() { stop(); }

void Slowloris::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void Slowloris::run(int port, const std::string& source, int connections, Milliseconds interval) {
  std::vector<SlowSocket> sockets(static_cast<std::size_t>(connections));
  while (!stopping_) {
    const auto now = Clock::now();
    for (auto& slow : sockets) {
      if (slow.fd >= 0 && readable_now(slow.fd)) {  // answered (refused, timed out) or closed
        ::close(slow.fd);
        slow.fd = -1;
        --open_;
        ++closed_;
        slow.next_send = now + interval;
      }
      if (now < slow.next_send) continue;
      if (slow.fd < 0) {
        slow.fd = connect_from(port, source);
        if (slow.fd < 0) continue;
        ++open_;
        slow.lines = 0;
        send_all(slow.fd, "GET /instructions HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      } else {
        send_all(slow.fd, "X-Slow-" + std::to_string(++slow.lines) + ": 1\r\n");
      }
      slow.next_send = now + interval;
    }
    std::this_thread::sleep_for(Milliseconds(20));
  }
  for (const auto& slow : sockets) {
    if (slow.fd >= 0) ::close(slow.fd);
  }
  open_ = 0;
}

TimedRequests timed_requests(int port, const std::string& path, int requests, Milliseconds timeout) {
  TimedRequests result;
  const auto seconds = static_cast<time_t>(std::max<long long>(1, timeout.count() / 1000));
  for (int i = 0; i < requests && result.failures.size() < 3; ++i) {
    httplib::Client client("127.0.0.1", port);
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(seconds);
    client.set_read_timeout(seconds);
    const auto start = Clock::now();
    const auto res = client.Get(path.c_str());
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!res || res->status != 200) {
      result.failures.push_back(res ? "status " + std::to_string(res->status) : httplib::to_string(res.error()));
      ms = std::max(ms, static_cast<double>(timeout.count()));
    }
    result.latency_ms.push_back(ms);
  }
  return result;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

}  // namespace blindspot::test
