#include "blindspot/core/subprocess.hpp"

#include "blindspot/core/error.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <limits>
#include <mutex>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace blindspot::core {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunkBytes = 64 * 1024;
// A stderr "line" longer than this is cut: the tail is for error messages, the log keeps it all.
constexpr std::size_t kMaxKeptLineBytes = 4096;
// After SIGTERM, how long a child may take to exit before SIGKILL.
constexpr double kTermGraceSeconds = 2;

std::string system_message(int error) { return std::system_category().message(error); }

[[noreturn]] void throw_io(const std::string& what, int error) {
  throw Error(ErrorKind::io, what + ": " + system_message(error));
}

Clock::time_point deadline_after(double seconds) {
  // Clamped so that "wait forever" (a huge timeout) does not overflow the clock.
  const double clamped = std::clamp(seconds, 0.0, 1e7);
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(clamped));
}

// Milliseconds left until `deadline` for poll(), rounded up so that poll never wakes early.
int poll_timeout_ms(Clock::time_point deadline) {
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<decltype(ms)>(ms, std::numeric_limits<int>::max()));
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw_io("fcntl", errno);
}

struct Pipe {
  int read_fd = -1;
  int write_fd = -1;
  Pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) throw_io("cannot create a pipe", errno);
    read_fd = fds[0];
    write_fd = fds[1];
  }
  ~Pipe() {
    close_fd(read_fd);
    close_fd(write_fd);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int take_read() noexcept { return std::exchange(read_fd, -1); }
  int take_write() noexcept { return std::exchange(write_fd, -1); }
};

// A child that closes its stdin must turn our writes into EPIPE, not kill us. Only the default
// action is replaced: a handler the program installed itself stays.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      ::sigaction(SIGPIPE, &ignore, nullptr);
    }
  });
}

ExitStatus to_exit_status(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) {
    status.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    status.signal = WTERMSIG(wait_status);
  }
  return status;
}

// posix_spawn of /bin/sh -c COMMAND with the three pipe ends as its standard streams, in a new
// process group, with SIGPIPE at its default action and no signal blocked.
pid_t spawn_shell(const std::string& command, int stdin_fd, int stdout_fd, int stderr_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string command_copy = command;
  std::array<char*, 4> argv{shell.data(), dash_c.data(), command_copy.data(), nullptr};
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, shell.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw_io("cannot start /bin/sh -c \"" + command + "\"", error);
  return pid;
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) {
    const char* name = ::sigabbrev_np(signal);
    return "was killed by signal " + std::to_string(signal) +
           (name != nullptr ? std::string(" (SIG") + name + ")" : "");
  }
  std::string text = "exited with status " + std::to_string(exit_code);
  // The shell's own codes (POSIX "Command Search and Execution").
  if (exit_code == 127) text += " (command not found)";
  if (exit_code == 126) text += " (command not executable)";
  return text;
}

Subprocess::Subprocess(const std::string& command, const SubprocessOptions& options) : options_(options) {
  ignore_sigpipe_once();
  if (!options_.log_file.empty()) {
    log_fd_ = ::open(options_.log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (log_fd_ < 0) throw_io(options_.log_file.string() + ": cannot open the log file", errno);
  }
  try {
    Pipe input;
    Pipe output;
    Pipe errors;
    Pipe wake;
    pid_ = spawn_shell(command, input.read_fd, output.write_fd, errors.write_fd);
    stdin_fd_ = input.take_write();
    stdout_fd_ = output.take_read();
    stderr_fd_ = errors.take_read();
    wake_read_fd_ = wake.take_read();
    wake_write_fd_ = wake.take_write();
    set_nonblocking(stdin_fd_);
    set_nonblocking(stdout_fd_);
    set_nonblocking(stderr_fd_);
    stderr_thread_ = std::thread([this] { drain_stderr(); });
  } catch (...) {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      int wait_status = 0;
      while (::waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
      }
    }
    for (int* fd : {&stdin_fd_, &stdout_fd_, &stderr_fd_, &wake_read_fd_, &wake_write_fd_, &log_fd_}) close_fd(*fd);
    throw;
  }
}

Subprocess::~Subprocess() {
  try {
    stop();
  } catch (...) {  // a destructor must not throw; stop() only allocates
  }
  for (int* fd : {&stdin_fd_, &stdout_fd_, &stderr_fd_, &wake_read_fd_, &wake_write_fd_, &log_fd_}) close_fd(*fd);
}

Subprocess::IoStatus Subprocess::write_line(std::string_view line, double timeout_seconds) {
  if (stdin_fd_ < 0) return IoStatus::closed;
  std::string data;
  data.reserve(line.size() + 1);
  data.append(line).push_back('\n');
  const auto deadline = deadline_after(timeout_seconds);
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(stdin_fd_, data.data() + written, data.size() - written);
    if (n >= 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EPIPE) return IoStatus::closed;
    if (errno != EAGAIN) throw_io("writing to a child process", errno);
    pollfd target{stdin_fd_, POLLOUT, 0};
    const int ready = ::poll(&target, 1, poll_timeout_ms(deadline));
    if (ready < 0 && errno != EINTR) throw_io("poll", errno);
    // POLLERR: the reader is gone; the next write() says EPIPE.
    if (ready == 0 && Clock::now() >= deadline) return IoStatus::timeout;
  }
  return IoStatus::done;
}

Subprocess::IoStatus Subprocess::read_line(std::string& line, double timeout_seconds) {
  const auto deadline = deadline_after(timeout_seconds);
  std::size_t searched = 0;
  while (true) {
    const auto newline = stdout_buffer_.find('\n', searched);
    // A long line that arrived in one piece is as long as one that arrived in several.
    if (newline != std::string::npos && newline > options_.max_line_bytes) return IoStatus::too_long;
    if (newline != std::string::npos) {
      line.assign(stdout_buffer_, 0, newline);
      stdout_buffer_.erase(0, newline + 1);
      return IoStatus::done;
    }
    searched = stdout_buffer_.size();
    if (stdout_buffer_.size() > options_.max_line_bytes) return IoStatus::too_long;
    if (stdout_eof_) {
      if (stdout_buffer_.empty()) return IoStatus::closed;
      line = std::move(stdout_buffer_);
      stdout_buffer_.clear();
      return IoStatus::done;
    }
    std::array<char, kChunkBytes> chunk{};
    const ssize_t n = ::read(stdout_fd_, chunk.data(), chunk.size());
    if (n > 0) {
      stdout_buffer_.append(chunk.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) {
      stdout_eof_ = true;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) throw_io("reading from a child process", errno);
    pollfd source{stdout_fd_, POLLIN, 0};
    const int ready = ::poll(&source, 1, poll_timeout_ms(deadline));
    if (ready < 0 && errno != EINTR) throw_io("poll", errno);
    if (ready == 0 && Clock::now() >= deadline) return IoStatus::timeout;
  }
}

void Subprocess::close_stdin() noexcept { close_fd(stdin_fd_); }

std::optional<ExitStatus> Subprocess::try_wait() {
  if (status_) return status_;
  int wait_status = 0;
  pid_t result = -1;
  do {
    result = ::waitpid(pid_, &wait_status, WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result == pid_) status_ = to_exit_status(wait_status);
  return status_;
}

bool Subprocess::wait_until_exited(double timeout_seconds) {
  const auto deadline = deadline_after(timeout_seconds);
  auto pause = std::chrono::milliseconds(1);
  while (!try_wait()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - Clock::now()));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  return true;
}

ExitStatus Subprocess::stop(double grace_seconds) {
  close_stdin();
  if (!status_ && !wait_until_exited(grace_seconds)) {
    // The leader is not reaped yet, so the group id is still ours to signal.
    ::kill(-pid_, SIGTERM);
    if (!wait_until_exited(kTermGraceSeconds)) {
      ::kill(-pid_, SIGKILL);
      int wait_status = 0;
      pid_t result = -1;
      do {
        result = ::waitpid(pid_, &wait_status, 0);
      } while (result < 0 && errno == EINTR);
      status_ = result == pid_ ? to_exit_status(wait_status) : ExitStatus{-1, SIGKILL};
    }
  }
  finish_stderr();
  return *status_;
}

void Subprocess::finish_stderr() noexcept {
  if (!stderr_thread_.joinable()) return;
  const char wake = 1;
  while (::write(wake_write_fd_, &wake, 1) < 0 && errno == EINTR) {
  }
  stderr_thread_.join();
}

void Subprocess::drain_stderr() {
  std::array<char, kChunkBytes> chunk{};
  bool draining = false;  // the child is reaped: read what is left, then end
  while (true) {
    if (!draining) {
      std::array<pollfd, 2> sources{pollfd{stderr_fd_, POLLIN, 0}, pollfd{wake_read_fd_, POLLIN, 0}};
      if (::poll(sources.data(), sources.size(), -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      draining = (sources[1].revents & POLLIN) != 0;
    }
    const ssize_t n = ::read(stderr_fd_, chunk.data(), chunk.size());
    if (n > 0) {
      const std::string_view text(chunk.data(), static_cast<std::size_t>(n));
      if (log_fd_ >= 0) {
        std::size_t written = 0;
        while (written < text.size()) {
          const ssize_t w = ::write(log_fd_, text.data() + written, text.size() - written);
          if (w < 0 && errno == EINTR) continue;
          if (w < 0) break;  // a full disk must not stop the child; the tail is still kept
          written += static_cast<std::size_t>(w);
        }
      }
      keep_stderr(text);
      continue;
    }
    if (n == 0) break;  // every writer closed stderr
    if (errno == EINTR) continue;
    if (errno != EAGAIN || draining) break;  // EAGAIN while draining: nothing left
  }
  std::lock_guard lock(stderr_mutex_);
  if (!stderr_partial_.empty()) {
    stderr_lines_.push_back(std::move(stderr_partial_));
    stderr_partial_.clear();
    while (stderr_lines_.size() > options_.stderr_tail_lines) stderr_lines_.pop_front();
  }
}

void Subprocess::keep_stderr(std::string_view chunk) {
  std::lock_guard lock(stderr_mutex_);
  while (!chunk.empty()) {
    const auto newline = chunk.find('\n');
    const auto piece = chunk.substr(0, newline);
    stderr_partial_.append(piece.substr(0, kMaxKeptLineBytes - std::min(kMaxKeptLineBytes, stderr_partial_.size())));
    if (newline == std::string_view::npos) break;
    stderr_lines_.push_back(std::move(stderr_partial_));
    stderr_partial_.clear();
    while (stderr_lines_.size() > options_.stderr_tail_lines) stderr_lines_.pop_front();
    chunk.remove_prefix(newline + 1);
  }
}

std::deque<std::string> Subprocess::stderr_tail() const {
  std::lock_guard lock(stderr_mutex_);
  std::deque<std::string> lines = stderr_lines_;
  if (!stderr_partial_.empty()) lines.push_back(stderr_partial_);
  while (lines.size() > options_.stderr_tail_lines) lines.pop_front();
  return lines;
}

}  // namespace blindspot::core
