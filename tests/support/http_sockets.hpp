#pragma once

namespace httplib {
struct Request;
}

namespace blindspot::test {

// Socket tricks of the test servers (the LLM protocol server and the OIP server), which httplib
// does not offer.

// httplib hands a handler no socket, so find this request's connection by its address pair and
// shut it down: the client then sees the connection close with no response at all.
void drop_connection(const httplib::Request& request);

// httplib 0.11 listens with a backlog of 5: a burst of more connects than that loses SYNs, which
// the kernel retransmits a whole second later. Real servers queue far more, so widen the queue of
// the listening socket on `port` (listen() again on a listening socket only resizes it).
void widen_accept_queue(int port);

}  // namespace blindspot::test
