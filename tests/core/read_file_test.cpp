// core::read_file on every kind of input a user can name: regular files, folders, devices, pipes
// (process substitution) and FIFOs, with the size limit (issue 13, findings 4 and 5).

#include "blindspot/core/read_file.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <future>
#include <string>
#include <thread>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

// Writes `content` into the write end of a pipe from a thread, so that more than the pipe's
// buffer can be sent, and closes it.
class PipeWriter {
 public:
  explicit PipeWriter(std::string content) {
    std::signal(SIGPIPE, SIG_IGN);  // the reader may stop first: the writer then sees EPIPE
    if (::pipe(fds_) != 0) throw std::runtime_error("pipe failed");
    writer_ = std::thread([this, content = std::move(content)] {
      std::size_t sent = 0;
      while (sent < content.size()) {
        const ssize_t n = ::write(fds_[1], content.data() + sent, content.size() - sent);
        if (n <= 0) break;  // the reader stopped (EPIPE)
        sent += static_cast<std::size_t>(n);
      }
      ::close(fds_[1]);
    });
  }
  ~PipeWriter() {
    ::close(fds_[0]);  // lets a writer blocked on a full pipe see EPIPE
    writer_.join();
  }
  // The path bash gives a process substitution <(...).
  std::filesystem::path path() const { return "/dev/fd/" + std::to_string(fds_[0]); }

 private:
  int fds_[2] = {-1, -1};
  std::thread writer_;
};

}  // namespace

TEST(ReadFile, ReadsARegularFile) {
  test::TempDir dir;
  test::write_text(dir / "a.txt", "one\ntwo\n");
  EXPECT_EQ(core::read_file(dir / "a.txt"), "one\ntwo\n");
}

TEST(ReadFile, MissingFileIsIoNamingTheFileAndTheReason) {
  test::TempDir dir;
  const core::Error error = test::expect_error([&] { core::read_file(dir / "missing.txt"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr((dir / "missing.txt").string() + ": cannot open file: No such file"));
}

TEST(ReadFile, AFolderIsBadInput) {
  test::TempDir dir;
  const core::Error error = test::expect_error([&] { core::read_file(dir.path()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr(dir.path().string() + ": is a folder, not a file"));
}

TEST(ReadFile, ADeviceIsRefusedAtOnce) {
  // Before: /dev/zero was read until memory ran out.
  const auto started = std::chrono::steady_clock::now();
  const core::Error error = test::expect_error([] { core::read_file("/dev/zero"); });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("/dev/zero: is a device, not a file"));
}

TEST(ReadFile, AFileOverTheLimitIsBadInputNamingTheLimit) {
  test::TempDir dir;
  test::write_text(dir / "big.txt", std::string(1000, 'x'));
  core::ReadFileOptions options;
  options.max_bytes = 999;
  const core::Error error = test::expect_error([&] { core::read_file(dir / "big.txt", options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("is 1000 bytes, more than the limit of 999 bytes (BLINDSPOT_MAX_INPUT_BYTES)"));
  options.max_bytes = 1000;
  EXPECT_EQ(core::read_file(dir / "big.txt", options).size(), 1000u);
}

TEST(ReadFile, APipeIsReadOnceAsAStream) {
  // Before: read, but recording the path failed (canonical path of /dev/fd/N).
  const std::string content(200000, 'a');  // more than a pipe's buffer
  PipeWriter writer(content);
  EXPECT_EQ(core::read_file(writer.path()), content);
}

TEST(ReadFile, APipeStopsAtTheLimitWithoutReadingTheRest) {
  PipeWriter writer(std::string(1 << 20, 'a'));
  core::ReadFileOptions options;
  options.max_bytes = 65536;
  const core::Error error = test::expect_error([&] { core::read_file(writer.path(), options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("a pipe or FIFO giving more than the limit of 65536 bytes"));
}

TEST(ReadFile, AStreamIsRefusedWhereTheInputIsReadTwice) {
  PipeWriter writer("x\n");
  core::ReadFileOptions options;
  options.allow_streams = false;
  const core::Error error = test::expect_error([&] { core::read_file(writer.path(), options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("is a pipe or FIFO, not a file"));
}

TEST(ReadFile, AFifoWithoutAWriterDoesNotBlock) {
  test::TempDir dir;
  const auto fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto reading = std::async(std::launch::async, [&] {
    try {
      core::read_file(fifo);
      return std::string("no error");
    } catch (const core::Error& error) {
      return std::string(error.what());
    }
  });
  if (reading.wait_for(std::chrono::seconds(5)) == std::future_status::timeout) {
    // Before: open() waited for a writer forever. Give it one so that the test can end.
    const int unblock = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (unblock >= 0) ::close(unblock);
    reading.wait();
    FAIL() << "read_file blocked on a FIFO without a writer";
  }
  EXPECT_THAT(reading.get(), HasSubstr(fifo.string() + ": nothing to read: a pipe or FIFO no program writes to"));
}

TEST(ReadFile, AFifoWithAWriterIsRead) {
  test::TempDir dir;
  const auto fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer opens first (blocking until a reader comes), as in `cat file > fifo &`.
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    const std::string content = "text,label\n";
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(core::read_file(fifo), "text,label\n");
  writer.join();
}

TEST(ReadFile, RequireRegularFileNamesWhatThePathIs) {
  test::TempDir dir;
  test::write_text(dir / "a.txt", "x");
  EXPECT_NO_THROW(core::require_regular_file(dir / "a.txt"));
  EXPECT_THAT(test::expect_error([&] { core::require_regular_file(dir.path()); }).what(),
              HasSubstr("is a folder, not a file"));
  EXPECT_THAT(test::expect_error([] { core::require_regular_file("/dev/null"); }).what(),
              HasSubstr("is a device, not a file"));
}
