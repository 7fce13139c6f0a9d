#include "blindspot/core/temporary_files.hpp"

#include "blindspot/core/error.hpp"

#include <mutex>
#include <random>
#include <sstream>
#include <unistd.h>

namespace blindspot::core {
namespace {

std::mutex folder_mutex;
std::filesystem::path& folder_setting() {
  static std::filesystem::path folder;
  return folder;
}

}  // namespace

void set_temporary_folder(std::filesystem::path folder) {
  const std::lock_guard lock(folder_mutex);
  folder_setting() = std::move(folder);
}

std::filesystem::path temporary_folder() {
  {
    const std::lock_guard lock(folder_mutex);
    if (!folder_setting().empty()) return folder_setting();
  }
  return std::filesystem::temp_directory_path();
}

std::filesystem::path temporary_path(std::string_view prefix, std::string_view suffix) {
  const std::filesystem::path folder = temporary_folder();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  std::random_device device;
  std::ostringstream name;
  name << prefix << "-" << ::getpid() << "-" << std::hex << device() << device() << suffix;
  return folder / name.str();
}

std::size_t remove_stale_temporary_files(const std::filesystem::path& folder) {
  (void)folder;
  return 0;  // filled in by the reliability work (issue 13)
}

}  // namespace blindspot::core
