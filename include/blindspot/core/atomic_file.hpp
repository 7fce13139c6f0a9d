#pragma once

#include "blindspot/core/read_file.hpp"  // read_file moved there; kept for its callers

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace blindspot::core {

// An output file that appears complete or not at all: writes go to a temporary file in
// the same folder, which commit() checks, flushes, fsyncs and renames over the target. If the
// object is destroyed without commit() (an exception, a kill), the temporary file is
// removed and the target is untouched; a process killed outright leaves the temporary file
// (".<name>.tmp-<pid>-<random>"), which core::remove_stale_temporary_files_below() removes once
// that pid is gone.
class AtomicFile {
 public:
  // Throws Error{io} if the temporary file cannot be created.
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return stream_; }
  void write(std::string_view bytes);
  // Path of the temporary file, for writers that insist on a path (fastText's saveModel). Such a
  // writer's file is not checked by commit() beyond the sync (nothing went through stream()):
  // the caller checks what it wrote (size, header) before calling commit().
  const std::filesystem::path& temporary_path() const noexcept { return temporary_; }
  const std::filesystem::path& target() const noexcept { return target_; }

  // Throws Error{io} naming the target (and, on a full disk, the disk: its folder, mount point
  // and free space) if a write, the flush, the fsync, the close or the rename failed, or if the
  // temporary file does not hold every byte written through stream(). The target is then
  // untouched and the temporary file is removed.
  void commit();

 private:
  // Removes the temporary file and throws Error{io}: "<what> <target>: <reason>".
  [[noreturn]] void fail(const std::string& what, const std::string& reason);

  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::ofstream stream_;
  int first_write_errno_ = 0;  // errno of the first failed write(), before later calls change it
  bool committed_ = false;
};

// Writes `bytes` to `target` atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view bytes);

}  // namespace blindspot::core
