#pragma once

// Private to the web module: httplib's Stream over a connection socket, with a deadline for the
// whole request. httplib 0.11's own SocketStream applies its read timeout to each recv, so a client
// sending a byte (or a header line) now and then holds a worker for ever; here every read waits at
// most until the request's deadline, and in short slices so that stopping the server is not
// delayed by a slow client.

#include <httplib.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace blindspot::web {

using SteadyClock = std::chrono::steady_clock;

// Waits until `socket` has something to read (or was closed by the peer): true; false once
// `deadline` passed or `stopping()` says so. Polls in slices of at most 100 ms.
bool wait_readable(int socket, SteadyClock::time_point deadline, const std::function<bool()>& stopping);

// The client's address of a connected socket ("127.0.0.1", "::1"), or "" if unknown.
std::string peer_address(int socket);

class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int socket, SteadyClock::time_point deadline, std::function<bool()> stopping);
  using httplib::Stream::write;  // write(const char*) and write(const std::string&) stay visible

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override;

  // True once a read found the deadline passed: the request never arrived whole.
  bool expired() const noexcept { return expired_; }

 private:
  int socket_;
  SteadyClock::time_point deadline_;
  std::function<bool()> stopping_;
  mutable bool expired_ = false;
  // httplib reads the request line and headers a byte at a time; recv fills this instead.
  std::vector<char> buffer_;
  std::size_t buffer_begin_ = 0;
  std::size_t buffer_end_ = 0;
};

}  // namespace blindspot::web
