#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace blindspot::core {

// The file system a path lives on, for messages that must say which disk is full.
struct DiskInfo {
  std::filesystem::path folder;       // the nearest existing folder of the path
  std::filesystem::path mount_point;  // where that folder's file system is mounted; empty if unknown
  std::uint64_t free_bytes = 0;       // what an unprivileged writer may still use (statvfs f_bavail)
  bool known = false;                 // false when statvfs failed
};

DiskInfo disk_of(const std::filesystem::path& path);

// True for the errno values of a write that failed for lack of room: ENOSPC, EDQUOT, EFBIG.
bool is_disk_full_error(int error_number) noexcept;

// "2.9 MB", "512 B", "14.0 GB" (decimal units, as disk sizes are sold).
std::string human_bytes(std::uint64_t bytes);

// "the disk holding /x (mounted at /mnt, 2.9 MB free)" for the folder of `file`.
std::string describe_disk_of(const std::filesystem::path& file);

// Why a write to `path` failed with `error_number`, naming the disk when it is full:
// "no space left on the disk holding /x (mounted at /mnt, 2.9 MB free)"; for other errors
// strerror's text.
std::string write_failure_reason(const std::filesystem::path& path, int error_number);

}  // namespace blindspot::core
