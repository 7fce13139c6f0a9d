#pragma once

#include "blindspot/model/classifier.hpp"
#include "blindspot/web/assignment.hpp"
#include "blindspot/web/worked_example.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace blindspot::web {

// Options of the annotation web app; the defaults are those of `blindspot serve` (docs/web.md).
struct ServerOptions {
  // Loopback by default: put a TLS-terminating reverse proxy in front to serve annotators elsewhere.
  std::string host = "127.0.0.1";
  // 0 = any free port (port() tells which).
  int port = 8080;
  // The address annotators open, when it is not the listening one (a reverse proxy:
  // "https://annotate.example.org"); empty: http://host:port. Invitation links start with it.
  std::string base_url;
  AssignmentPolicy assignment;
  // Samples each annotator writes per UU (the paper's artefacts have 2 per hypothesis).
  int samples_per_uu = 2;
  // A gap between two server-seen events of a task counts at most this long (docs/web.md).
  double idle_cutoff_seconds = 300;
  // A session lasts this long after the invitation was opened; opening it again starts a new one.
  double session_hours = 24;
  // Worker threads, each with its own store connection; keep-alive connections occupy one each.
  int threads = 64;
  // A request (its line, headers and body) must arrive whole within this many seconds of its
  // first byte, however steadily it trickles; then the connection is closed (docs/web.md, "Slow
  // and greedy clients"). Before the first byte a connection waits at most the keep-alive 5 s.
  double request_timeout_seconds = 10;
  // Connections one client address may hold at once (a browser opens up to 6); more are answered
  // 503 and closed. 0 = no limit, for a reverse proxy in front, whose address every client has.
  int max_connections_per_client = 16;
  // Largest request body; 0 derives it from samples_per_uu (the largest form a browser can send
  // within the fields' maxlength, percent-encoded). Larger bodies get 413.
  std::size_t max_body_bytes = 0;
  // The task in one sentence, for the instructions and the questionnaire; empty: "Label each text
  // as one of: <labels>".
  std::string task_description;
  // The instructions' worked example; nullopt: one taken from the campaign's UUs.
  std::optional<WorkedExample> worked_example;
  // The campaign's model, for live feedback on the samples annotators write (docs/web.md, "Live
  // model feedback"); null: no feedback. Its labels must be the campaign's.
  std::shared_ptr<const model::Classifier> model;
  // Scores one session may ask the model for per minute; more get 429.
  int feedback_per_minute = 20;
  // Unix seconds now; empty: the system clock. Tests inject one to step through timeouts.
  std::function<double()> clock;
};

// The annotation web app of one campaign (docs/web.md). Errors inside a request become an HTML
// error page (bad_input 400, everything else 500), never a crash.
class Server {
 public:
  // Opens the store and loads the campaign of `campaign_run`. Throws Error{bad_input} if the run
  // holds no campaign or its UUs are on the test split, Error{io} for store errors.
  Server(std::filesystem::path store_file, std::int64_t campaign_run, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket and returns the port. Throws Error{io} naming host and port.
  int bind();
  // Serves (binding first if needed) until stop(); blocks the calling thread.
  void run();
  // bind(), then run() on a background thread; returns the port.
  int start();
  // Stops serving; run() returns. Safe from any thread and from a signal-watching thread.
  void stop();
  int port() const noexcept;
  // "http://host:port": where the server listens.
  std::string url() const;
  // Where annotators reach it: ServerOptions::base_url, else url() (with this machine's name
  // instead of a wildcard address such as 0.0.0.0).
  std::string public_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::web
