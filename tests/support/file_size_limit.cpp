#include "support/file_size_limit.hpp"

#include "blindspot/core/error.hpp"

#include <csignal>
#include <exception>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace blindspot::test {

std::string run_with_file_size_limit(std::uint64_t limit_bytes, const std::function<void()>& work) {
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_ends[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{static_cast<rlim_t>(limit_bytes), static_cast<rlim_t>(limit_bytes)};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::string report = "no error";
    try {
      work();
    } catch (const core::Error& error) {
      report = std::string(core::to_string(error.kind())) + ": " + error.what();
    } catch (const std::exception& error) {
      report = std::string("other exception: ") + error.what();
    }
    // A pipe is not a file: the limit does not apply to it.
    const ssize_t written = ::write(pipe_ends[1], report.data(), report.size());
    ::_exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  ::close(pipe_ends[1]);
  std::string report;
  char buffer[4096];
  for (ssize_t got; (got = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0;) {
    report.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(pipe_ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? report : "killed";
}

}  // namespace blindspot::test
