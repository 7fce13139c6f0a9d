#include "support/http_sockets.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace blindspot::test {

void drop_connection(const httplib::Request& request) {
  for (int fd = 3; fd < 4096; ++fd) {
    sockaddr_in local{};
    sockaddr_in peer{};
    socklen_t local_size = sizeof local;
    socklen_t peer_size = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 || local.sin_family != AF_INET) {
      continue;
    }
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) continue;
    if (ntohs(local.sin_port) == request.local_port && ntohs(peer.sin_port) == request.remote_port) {
      shutdown(fd, SHUT_RDWR);
      return;
    }
  }
}

void widen_accept_queue(int port) {
  for (int fd = 3; fd < 4096; ++fd) {
    sockaddr_in local{};
    socklen_t local_size = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 || local.sin_family != AF_INET) {
      continue;
    }
    sockaddr_in peer{};
    socklen_t peer_size = sizeof peer;
    const bool connected = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0;
    if (!connected && ntohs(local.sin_port) == port) {
      listen(fd, SOMAXCONN);
      return;
    }
  }
}

}  // namespace blindspot::test
