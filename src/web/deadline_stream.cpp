#include "deadline_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace blindspot::web {
namespace {

constexpr std::chrono::milliseconds kSlice(100);
// A response is written within this, as httplib's default write timeout (5 s).
constexpr std::chrono::seconds kWriteTimeout(5);
constexpr std::size_t kBufferSize = 4096;

bool wait_for(int socket, short events, SteadyClock::time_point deadline, const std::function<bool()>& stopping) {
  for (;;) {
    if (stopping && stopping()) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return false;
    pollfd entry{socket, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(std::min(left, kSlice).count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

void address_and_port(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

// The address of the socket's other end (peer) or of its own end; false if the kernel has none.
bool socket_address(int socket, bool peer, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  const int status = peer ? getpeername(socket, reinterpret_cast<sockaddr*>(&address), &size)
                          : getsockname(socket, reinterpret_cast<sockaddr*>(&address), &size);
  if (status != 0) return false;
  address_and_port(address, ip, port);
  return true;
}

}  // namespace

bool wait_readable(int socket, SteadyClock::time_point deadline, const std::function<bool()>& stopping) {
  return wait_for(socket, POLLIN, deadline, stopping);
}

std::string peer_address(int socket) {
  std::string ip;
  int port = 0;
  return socket_address(socket, true, ip, port) ? ip : std::string();
}

DeadlineStream::DeadlineStream(int socket, SteadyClock::time_point deadline, std::function<bool()> stopping)
    : socket_(socket), deadline_(deadline), stopping_(std::move(stopping)), buffer_(kBufferSize) {}

bool DeadlineStream::is_readable() const {
  if (buffer_begin_ < buffer_end_) return true;
  const bool ready = wait_for(socket_, POLLIN, deadline_, stopping_);
  if (!ready && SteadyClock::now() >= deadline_) expired_ = true;
  return ready;
}

bool DeadlineStream::is_writable() const {
  return wait_for(socket_, POLLOUT, SteadyClock::now() + kWriteTimeout, nullptr);
}

ssize_t DeadlineStream::read(char* ptr, size_t size) {
  if (buffer_begin_ == buffer_end_) {
    if (!is_readable()) return -1;
    const ssize_t got = ::recv(socket_, buffer_.data(), buffer_.size(), 0);
    if (got <= 0) return got;
    buffer_begin_ = 0;
    buffer_end_ = static_cast<std::size_t>(got);
  }
  const std::size_t n = std::min(size, buffer_end_ - buffer_begin_);
  std::memcpy(ptr, buffer_.data() + buffer_begin_, n);
  buffer_begin_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t DeadlineStream::write(const char* ptr, size_t size) {
  if (!is_writable()) return -1;
  return ::send(socket_, ptr, size, MSG_NOSIGNAL);
}

void DeadlineStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  socket_address(socket_, true, ip, port);
}

void DeadlineStream::get_local_ip_and_port(std::string& ip, int& port) const {
  socket_address(socket_, false, ip, port);
}

int DeadlineStream::socket() const { return socket_; }

}  // namespace blindspot::web
