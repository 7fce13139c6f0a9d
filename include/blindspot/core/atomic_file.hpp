#pragma once

#include "blindspot/core/read_file.hpp"  // read_file moved there; kept for its callers

#include <filesystem>
#include <fstream>
#include <string_view>

namespace blindspot::core {

// An output file that appears complete or not at all: writes go to a temporary file in
// the same folder, which commit() flushes, fsyncs and renames over the target. If the
// object is destroyed without commit() (an exception, a kill), the temporary file is
// removed and the target is untouched.
class AtomicFile {
 public:
  // Throws Error{io} if the temporary file cannot be created.
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return stream_; }
  void write(std::string_view bytes) { stream_.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); }
  // Path of the temporary file, for writers that insist on a path (fastText's saveModel).
  const std::filesystem::path& temporary_path() const noexcept { return temporary_; }
  const std::filesystem::path& target() const noexcept { return target_; }

  // Throws Error{io} naming the target if writing, syncing or renaming fails.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::ofstream stream_;
  bool committed_ = false;
};

// Writes `bytes` to `target` atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view bytes);

}  // namespace blindspot::core
