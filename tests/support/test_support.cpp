#include "support/test_support.hpp"

#include "blindspot/core/atomic_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

namespace blindspot::test {

TempDir::TempDir() {
  std::random_device device;
  path_ = std::filesystem::temp_directory_path() / ("blindspot-test-" + std::to_string(device()) + std::to_string(device()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

core::Error expect_error(const std::function<void()>& work) {
  try {
    work();
  } catch (const core::Error& error) {
    return error;
  } catch (const std::exception& other) {
    ADD_FAILURE() << "expected blindspot::core::Error, got std::exception: " << other.what();
    return core::Error(core::ErrorKind::internal, "wrong exception type");
  }
  ADD_FAILURE() << "expected blindspot::core::Error, nothing was thrown";
  return core::Error(core::ErrorKind::internal, "nothing thrown");
}

void write_text(const std::filesystem::path& file, const std::string& content) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << content;
}

std::string read_text(const std::filesystem::path& file) { return core::read_file(file); }

std::size_t count_lines(const std::filesystem::path& file) {
  const std::string text = read_text(file);
  const auto newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return newlines + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

std::filesystem::path shared_data(const std::string& name) {
  return std::filesystem::path(BLINDSPOT_SHARED_DATA_DIR) / name;
}

std::filesystem::path fixture(const std::string& name) { return std::filesystem::path(BLINDSPOT_FIXTURES_DIR) / name; }

std::filesystem::path blindspot_binary() { return BLINDSPOT_BINARY; }

CommandResult run_command(const std::string& command) {
  TempDir capture;
  const auto out = capture / "stdout";
  const auto err = capture / "stderr";
  const std::string line = command + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(line.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.output = std::filesystem::exists(out) ? read_text(out) : "";
  result.errors = std::filesystem::exists(err) ? read_text(err) : "";
  return result;
}

int dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

}  // namespace blindspot::test
