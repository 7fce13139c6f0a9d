#include "blindspot/core/temporary_files.hpp"

#include "blindspot/core/error.hpp"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <limits>
#include <mutex>
#include <random>
#include <sstream>
#include <sys/types.h>
#include <unistd.h>

namespace blindspot::core {
namespace {

// A bound on the walk of remove_stale_temporary_files_below (a fraction of a second), for a
// workspace pointed at a large folder by mistake.
constexpr std::size_t kMostEntriesBelow = 200'000;

std::mutex folder_mutex;
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::filesystem::path& folder_setting() {
  static std::filesystem::path folder;
  return folder;
}

// Reads "-<digits>-<hex>" at `dash` (which points at the first dash); the pid, or 0.
long pid_and_random(std::string_view name, std::size_t dash) {
  if (dash >= name.size() || name[dash] != '-') return 0;
  std::size_t at = dash + 1;
  long pid = 0;
  while (at < name.size() && std::isdigit(static_cast<unsigned char>(name[at])) != 0) {
    if (pid > std::numeric_limits<pid_t>::max() / 10) return 0;
    pid = pid * 10 + (name[at] - '0');
    ++at;
  }
  if (at == dash + 1 || at >= name.size() || name[at] != '-') return 0;
  if (at + 1 >= name.size() || !is_lower_hex(name[at + 1])) return 0;
  return pid > std::numeric_limits<pid_t>::max() ? 0 : pid;
}

// Where the hex digits after "-<digits>-" at `dash` end.
std::size_t next_after_random(std::string_view name, std::size_t dash) {
  std::size_t at = name.find('-', dash + 1) + 1;
  while (at < name.size() && is_lower_hex(name[at])) ++at;
  return at;
}

// kill(pid, 0) fails with ESRCH only when no process has that pid; EPERM means one runs.
bool process_is_gone(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH; }

// AtomicFile's ".<name>.tmp-<pid>-<hex>"; the pid, or 0.
long atomic_file_pid(std::string_view name) {
  if (name.size() < 2 || name.front() != '.') return 0;
  const std::size_t tmp = name.rfind(".tmp-");
  if (tmp == std::string_view::npos || tmp < 2) return 0;
  const long pid = pid_and_random(name, tmp + 4);
  return pid > 0 && next_after_random(name, tmp + 4) == name.size() ? pid : 0;
}

bool remove_if_stale(const std::filesystem::directory_entry& entry, long (*pid_of)(std::string_view)) {
  std::error_code ec;
  if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) return false;
  const long pid = pid_of(entry.path().filename().string());
  if (pid <= 0 || !process_is_gone(pid)) return false;
  return std::filesystem::remove(entry.path(), ec) && !ec;
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
  return folder / pid_tagged_name(prefix, suffix);
}

std::string pid_tagged_name(std::string_view prefix, std::string_view suffix) {
  std::random_device device;
  std::ostringstream name;
  name << prefix << "-" << ::getpid() << "-" << std::hex << device() << device() << suffix;
  return name.str();
}

long temporary_file_pid(std::string_view file_name) {
  if (const long pid = atomic_file_pid(file_name); pid > 0) return pid;
  // "<prefix>-<pid>-<hex><suffix>": the first dash followed by digits, a dash, hex digits and
  // then the end or the suffix's dot.
  for (std::size_t dash = file_name.find('-'); dash != std::string_view::npos && dash > 0;
       dash = file_name.find('-', dash + 1)) {
    const long pid = pid_and_random(file_name, dash);
    if (pid <= 0) continue;
    const std::size_t end = next_after_random(file_name, dash);
    if (end == file_name.size() || file_name[end] == '.') return pid;
  }
  return 0;
}

std::size_t remove_stale_temporary_files(const std::filesystem::path& folder, std::string_view name_prefix) {
  std::size_t removed = 0;
  std::error_code ec;
  std::filesystem::directory_iterator entries(folder, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && entries != std::filesystem::directory_iterator(); entries.increment(ec)) {
    const std::string name = entries->path().filename().string();
    if (name.compare(0, name_prefix.size(), name_prefix) != 0) continue;
    removed += remove_if_stale(*entries, &temporary_file_pid) ? 1 : 0;
  }
  return removed;
}

std::size_t remove_stale_temporary_files_below(const std::filesystem::path& root) {
  std::size_t removed = 0;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator entries(
      root, std::filesystem::directory_options::skip_permission_denied, ec);
  std::size_t visited = 0;
  for (; !ec && entries != std::filesystem::recursive_directory_iterator() && visited < kMostEntriesBelow;
       entries.increment(ec), ++visited) {
    // Only AtomicFile's form: the workspace holds the user's files too, and a name such as
    // "run-12-ab.csv" has the other form's shape.
    removed += remove_if_stale(*entries, &atomic_file_pid) ? 1 : 0;
  }
  return removed;
}

}  // namespace blindspot::core
