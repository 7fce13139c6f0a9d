#pragma once

#include <cstddef>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <sys/types.h>

namespace blindspot::core {

// Options of Subprocess.
struct SubprocessOptions {
  // Where the child's stderr is appended; empty: discarded (the last lines are kept either way).
  std::filesystem::path log_file;
  // Lines of stderr kept for error messages (stderr_tail()).
  std::size_t stderr_tail_lines = 20;
  // Longest stdout line read_line() accepts, in bytes (a child writing without newlines must not
  // exhaust memory).
  std::size_t max_line_bytes = std::size_t{64} << 20;
};

// How a child ended.
struct ExitStatus {
  int exit_code = -1;  // the status it exited with; -1 if killed by a signal
  int signal = 0;      // the signal that killed it; 0 if it exited

  bool success() const noexcept { return exit_code == 0; }
  // "exited with status 3", "exited with status 127 (command not found)", "was killed by signal 9 (SIGKILL)".
  std::string describe() const;
};

// A child process running `/bin/sh -c COMMAND` with pipes on its stdin, stdout and stderr: one
// thread talks to it by lines (write_line, read_line with a deadline) while a thread of its own
// drains stderr into the log file and keeps its last lines. The child runs in a process group of
// its own, so stopping it also stops what it started. The destructor stops it (stop()); the child
// is always reaped, never left a zombie. SIGPIPE is ignored in this process once a Subprocess is
// created (if it had its default action), so a child that closes its stdin turns writes into an
// error value instead of killing blindspot; the child itself starts with SIGPIPE's default action.
// Not thread-safe: one thread at a time calls the methods (stderr_tail() excepted).
class Subprocess {
 public:
  // Starts the child. Throws Error{io} if the pipes or the process cannot be created (a command
  // that does not exist is not such a failure: the shell starts and exits with status 127).
  explicit Subprocess(const std::string& command, const SubprocessOptions& options = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  enum class IoStatus {
    done,      // the line was written or read
    closed,    // the child closed its end (or exited): EPIPE on write, EOF on read
    timeout,   // the deadline passed first
    too_long,  // read_line: a line longer than options.max_line_bytes
  };

  // Writes `line` and '\n' to the child's stdin, waiting at most `timeout_seconds` for the child
  // to take it. Throws Error{io} on an unexpected system error.
  IoStatus write_line(std::string_view line, double timeout_seconds);
  // Reads the next line of the child's stdout into `line` (without its '\n'; a last line without
  // '\n' is returned before `closed`), waiting at most `timeout_seconds`. Throws Error{io} on an
  // unexpected system error.
  IoStatus read_line(std::string& line, double timeout_seconds);

  // Ends the child and reaps it: closes its stdin, waits up to `grace_seconds` for it to exit,
  // then sends SIGTERM to its process group, waits up to 2 s more, then SIGKILL. Returns how it
  // ended; later calls return the same status at once.
  ExitStatus stop(double grace_seconds = 5);
  // The exit status if the child has already exited (reaping it), without waiting otherwise.
  std::optional<ExitStatus> try_wait();
  // Whether the child has been reaped.
  bool reaped() const noexcept { return status_.has_value(); }

  // The child's process id (also its process group id).
  pid_t pid() const noexcept { return pid_; }
  // The last lines the child wrote to stderr (up to options.stderr_tail_lines), oldest first,
  // each without its '\n'. After stop() this holds everything the child wrote before it ended.
  std::deque<std::string> stderr_tail() const;

 private:
  void drain_stderr();
  void keep_stderr(std::string_view chunk);
  void close_stdin() noexcept;
  bool wait_until_exited(double timeout_seconds);
  void finish_stderr() noexcept;

  SubprocessOptions options_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int log_fd_ = -1;
  int wake_read_fd_ = -1;  // written once the child is reaped: the stderr thread drains and ends
  int wake_write_fd_ = -1;
  std::string stdout_buffer_;
  bool stdout_eof_ = false;
  std::optional<ExitStatus> status_;

  mutable std::mutex stderr_mutex_;
  std::deque<std::string> stderr_lines_;
  std::string stderr_partial_;
  std::thread stderr_thread_;
};

}  // namespace blindspot::core
