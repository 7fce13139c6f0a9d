#pragma once

#include "blindspot/core/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

namespace blindspot::test {

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs `work`, which must throw core::Error, and returns it; fails the test otherwise.
core::Error expect_error(const std::function<void()>& work);

void write_text(const std::filesystem::path& file, const std::string& content);
std::string read_text(const std::filesystem::path& file);
// Lines of a text file (a last line without '\n' counts): the records of a JSONL file.
std::size_t count_lines(const std::filesystem::path& file);

// ../shared/data/<name> (the folder CMake was configured with).
std::filesystem::path shared_data(const std::string& name);
// tests/fixtures/<name>
std::filesystem::path fixture(const std::string& name);
// The built blindspot executable.
std::filesystem::path blindspot_binary();

// Result of running a command through /bin/sh.
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout
  std::string errors;  // stderr
};
// Runs `command` (a shell command line) and captures both streams.
CommandResult run_command(const std::string& command);

// The pid of a process that has exited and been reaped: no process has it (until the kernel hands
// it out again, which takes a full turn of the pid counter). For the tests of stale files.
int dead_pid();

}  // namespace blindspot::test
