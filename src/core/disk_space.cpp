#include "blindspot/core/disk_space.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/statvfs.h>

namespace blindspot::core {
namespace {

namespace fs = std::filesystem;

// The path itself if it exists, else its nearest existing ancestor (a file not yet created
// still lands on its folder's disk).
fs::path nearest_existing(const fs::path& path) {
  std::error_code ec;
  fs::path current = fs::absolute(path, ec);
  if (ec) current = path;
  while (!current.empty()) {
    if (fs::exists(current, ec) && fs::is_directory(current, ec)) return current;
    if (current == current.parent_path()) break;
    current = current.parent_path();
  }
  return "/";
}

// /proc/self/mountinfo writes space, tab, newline and backslash in mount points as \ooo.
std::string unescape_mountinfo(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const std::string octal = field[i] == '\\' ? field.substr(i + 1, 3) : std::string();
    if (octal.size() == 3 && octal.find_first_not_of("01234567") == std::string::npos) {
      out += static_cast<char>(std::stoi(octal, nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

// The mount whose mount point is the longest prefix of `folder` and whose device is the folder's
// (the device check skips a mount point that is hidden by a later mount over it). Empty if
// /proc is not there.
fs::path mount_point_of(const fs::path& folder) {
  struct stat folder_stat {};
  if (::stat(folder.c_str(), &folder_stat) != 0) return {};
  const fs::path canonical = fs::weakly_canonical(folder);
  std::ifstream mountinfo("/proc/self/mountinfo");
  fs::path best;
  std::string line;
  while (std::getline(mountinfo, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    if (!(fields >> id >> parent >> device >> root >> mount_point)) continue;
    const fs::path candidate = unescape_mountinfo(mount_point);
    const auto end = std::mismatch(candidate.begin(), candidate.end(), canonical.begin(), canonical.end()).first;
    if (end != candidate.end()) continue;
    struct stat mount_stat {};
    if (::stat(candidate.c_str(), &mount_stat) != 0 || mount_stat.st_dev != folder_stat.st_dev) continue;
    if (std::distance(candidate.begin(), candidate.end()) >= std::distance(best.begin(), best.end())) best = candidate;
  }
  return best;
}

}  // namespace

DiskInfo disk_of(const fs::path& path) {
  DiskInfo info;
  info.folder = nearest_existing(path);
  struct statvfs stats {};
  if (::statvfs(info.folder.c_str(), &stats) == 0) {
    info.free_bytes = static_cast<std::uint64_t>(stats.f_bavail) * static_cast<std::uint64_t>(stats.f_frsize);
    info.known = true;
  }
  info.mount_point = mount_point_of(info.folder);
  return info;
}

bool is_disk_full_error(int error_number) noexcept {
  return error_number == ENOSPC || error_number == EDQUOT || error_number == EFBIG;
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB", "PB"};
  if (bytes < 1000) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1000.0;
  std::size_t unit = 0;
  while (value >= 999.95 && unit + 1 < std::size(kUnits)) {
    value /= 1000.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string write_failure_reason(const fs::path& path, int error_number) {
  if (!is_disk_full_error(error_number)) {
    return error_number != 0 ? std::strerror(error_number) : "the write failed (no system error given)";
  }
  switch (error_number) {
    case ENOSPC: return "no space left on " + describe_disk_of(path);
    case EDQUOT: return "the disk quota is exceeded on " + describe_disk_of(path);
    default: return "the file is larger than the file size limit (ulimit -f or the file system's) on " + describe_disk_of(path);
  }
}

std::string describe_disk_of(const fs::path& file) {
  const DiskInfo disk = disk_of(file.has_parent_path() ? file.parent_path() : fs::path("."));
  std::string details;
  if (!disk.mount_point.empty()) details = "mounted at " + disk.mount_point.string();
  if (disk.known) details += (details.empty() ? "" : ", ") + human_bytes(disk.free_bytes) + " free";
  const std::string what = "the disk holding " + disk.folder.string();
  return details.empty() ? what : what + " (" + details + ")";
}

}  // namespace blindspot::core
