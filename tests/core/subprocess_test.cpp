#include "blindspot/core/subprocess.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>

using namespace blindspot;
using core::Subprocess;
using IoStatus = core::Subprocess::IoStatus;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The child was reaped by us: waitpid finds no such child any more.
void expect_reaped(pid_t pid) {
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// Whether `pid` no longer runs: it does not exist, or it is a zombie its parent has to reap.
bool gone_or_zombie(pid_t pid) {
  const auto stat = std::filesystem::path("/proc") / std::to_string(pid) / "stat";
  if (!std::filesystem::exists(stat)) return true;
  std::ifstream file(stat);  // /proc files report size 0: read them as streams
  std::string text;
  std::getline(file, text);
  const auto state = text.find(") ");
  return state != std::string::npos && text.at(state + 2) == 'Z';
}

}  // namespace

TEST(Subprocess, EchoesLinesBothWays) {
  Subprocess child("cat");
  ASSERT_EQ(child.write_line("hello", 5), IoStatus::done);
  ASSERT_EQ(child.write_line("wörld", 5), IoStatus::done);
  std::string line;
  ASSERT_EQ(child.read_line(line, 5), IoStatus::done);
  EXPECT_EQ(line, "hello");
  ASSERT_EQ(child.read_line(line, 5), IoStatus::done);
  EXPECT_EQ(line, "wörld");
  const auto status = child.stop();
  EXPECT_TRUE(status.success()) << status.describe();
  expect_reaped(child.pid());
}

TEST(Subprocess, LongLinesCrossThePipeBufferBothWays) {
  // 1 MB exceeds the 64 KiB pipe buffer: the write must wait for the child to read. (sed reads
  // a whole line before writing it, as an adapter does; cat would fill its stdout meanwhile.)
  const std::string big(1 << 20, 'x');
  Subprocess child("sed -u ''");
  ASSERT_EQ(child.write_line(big, 10), IoStatus::done);
  std::string line;
  ASSERT_EQ(child.read_line(line, 10), IoStatus::done);
  EXPECT_EQ(line, big);
}

TEST(Subprocess, ReadTimesOutWithoutOutput) {
  Subprocess child("sleep 30");
  std::string line;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(child.read_line(line, 0.2), IoStatus::timeout);
  EXPECT_GE(seconds_since(start), 0.2);
  EXPECT_LT(seconds_since(start), 2);
  child.stop(0);
}

TEST(Subprocess, WriteTimesOutWhenTheChildDoesNotRead) {
  Subprocess child("sleep 30");
  const std::string big(1 << 20, 'x');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(child.write_line(big, 0.2), IoStatus::timeout);
  EXPECT_LT(seconds_since(start), 2);
  child.stop(0);
}

TEST(Subprocess, EndOfOutputIsClosedAfterTheLastLine) {
  Subprocess child("printf 'one\\ntwo'");
  std::string line;
  ASSERT_EQ(child.read_line(line, 5), IoStatus::done);
  EXPECT_EQ(line, "one");
  ASSERT_EQ(child.read_line(line, 5), IoStatus::done);
  EXPECT_EQ(line, "two");  // the last line has no '\n'
  EXPECT_EQ(child.read_line(line, 5), IoStatus::closed);
  EXPECT_TRUE(child.stop().success());
}

TEST(Subprocess, WritingToAChildThatClosedItsStdinIsClosedNotSigpipe) {
  Subprocess child("exec 0<&-; sleep 30");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(child.write_line("anyone?", 5), IoStatus::closed);
  child.stop(0);
}

TEST(Subprocess, WritingToAnExitedChildIsClosed) {
  Subprocess child("exit 3");
  std::string line;
  EXPECT_EQ(child.read_line(line, 5), IoStatus::closed);
  // The end of its stdout may be seen before its stdin is released; once it is reaped, it is.
  while (!child.try_wait()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(child.write_line("late", 5), IoStatus::closed);
  const auto status = child.stop();
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.describe(), "exited with status 3");
}

TEST(Subprocess, UnknownCommandExitsWith127) {
  Subprocess child("blindspot-no-such-command-xyz");
  const auto status = child.stop();
  EXPECT_EQ(status.exit_code, 127);
  EXPECT_EQ(status.describe(), "exited with status 127 (command not found)");
  ASSERT_FALSE(child.stderr_tail().empty());
  EXPECT_THAT(child.stderr_tail().back(), HasSubstr("blindspot-no-such-command-xyz"));
}

TEST(Subprocess, StderrGoesToTheLogAndItsTailIsKept) {
  test::TempDir dir;
  test::write_text(dir / "run.log", "before\n");
  core::SubprocessOptions options;
  options.log_file = dir / "run.log";
  options.stderr_tail_lines = 3;
  Subprocess child("for i in 1 2 3 4 5; do echo \"line $i\" >&2; done; printf 'no newline' >&2", options);
  child.stop();
  EXPECT_THAT(child.stderr_tail(), ElementsAre("line 4", "line 5", "no newline"));
  EXPECT_EQ(test::read_text(dir / "run.log"), "before\nline 1\nline 2\nline 3\nline 4\nline 5\nno newline");
}

TEST(Subprocess, StopClosesStdinAndAWellBehavedChildExitsAtOnce) {
  Subprocess child("cat >/dev/null; exit 4");
  const auto start = std::chrono::steady_clock::now();
  const auto status = child.stop();
  EXPECT_EQ(status.exit_code, 4);
  EXPECT_LT(seconds_since(start), 1);
  expect_reaped(child.pid());
}

TEST(Subprocess, StopTerminatesAChildIgnoringEndOfInput) {
  Subprocess child("exec sleep 30");
  const auto start = std::chrono::steady_clock::now();
  const auto status = child.stop(0.2);
  EXPECT_EQ(status.signal, SIGTERM);
  EXPECT_EQ(status.describe(), "was killed by signal 15 (SIGTERM)");
  EXPECT_LT(seconds_since(start), 2);
  expect_reaped(child.pid());
}

TEST(Subprocess, StopKillsAChildIgnoringSigterm) {
  Subprocess child("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  std::string line;
  ASSERT_EQ(child.read_line(line, 5), IoStatus::done);  // the trap is set
  const auto start = std::chrono::steady_clock::now();
  const auto status = child.stop(0.1);
  EXPECT_EQ(status.signal, SIGKILL);
  EXPECT_LT(seconds_since(start), 4);  // 0.1 s grace, 2 s after SIGTERM
  expect_reaped(child.pid());
}

TEST(Subprocess, StopReachesWhatTheChildStarted) {
  // The background sleep keeps stderr open; stopping must neither wait for it nor leave it running.
  test::TempDir dir;
  Subprocess child("sleep 30 & echo $! > '" + (dir / "pid").string() + "'; wait");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  child.stop(0.1);
  EXPECT_LT(seconds_since(start), 3);
  const pid_t grandchild = std::stoi(test::read_text(dir / "pid"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(gone_or_zombie(grandchild));  // its reaping is init's business
}

TEST(Subprocess, DestructorStopsAndReaps) {
  pid_t pid = -1;
  {
    Subprocess child("cat");
    pid = child.pid();
  }
  expect_reaped(pid);
}

TEST(Subprocess, StopIsIdempotent) {
  Subprocess child("exit 2");
  EXPECT_EQ(child.stop().exit_code, 2);
  EXPECT_EQ(child.stop().exit_code, 2);
  EXPECT_TRUE(child.reaped());
}

TEST(Subprocess, TooLongLineIsReported) {
  core::SubprocessOptions options;
  options.max_line_bytes = 1000;
  Subprocess child("head -c 5000 /dev/zero | tr '\\0' x; echo", options);
  std::string line;
  EXPECT_EQ(child.read_line(line, 5), IoStatus::too_long);
}

TEST(Subprocess, TooLongLineIsReportedWhenItArrivesInOnePiece) {
  core::SubprocessOptions options;
  options.max_line_bytes = 1000;
  // The whole line and its newline are in the pipe before the first read.
  Subprocess child("printf '%05000d\\n' 0", options);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::string line;
  EXPECT_EQ(child.read_line(line, 5), IoStatus::too_long);
}

TEST(Subprocess, UnwritableLogFileIsAnIoError) {
  core::SubprocessOptions options;
  options.log_file = "/proc/blindspot/model.log";
  const auto error = test::expect_error([&] { Subprocess child("true", options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr("/proc/blindspot/model.log"));
}
