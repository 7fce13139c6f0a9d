#pragma once

// Shared by the fuzz targets (docs/fuzzing.md): what counts as a correct outcome, the checks a
// successful read must pass, and the per-process file for readers that only read from a path.

#include "blindspot/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace blindspot::fuzz {

// Runs `read`. An input error (core::Error of any kind but internal) is the correct answer to a
// malformed input and ends the run quietly. Everything else escapes to libFuzzer as a finding: an
// internal error, a third-party exception (nlohmann, toml++, std::filesystem), a crash.
template <typename Read>
void accept_input_errors(Read&& read) {
  try {
    read();
  } catch (const core::Error& error) {
    if (error.kind() == core::ErrorKind::internal) throw;
  }
}

// A promise a successful read broke: printed and aborted, so libFuzzer keeps the input.
inline void require(bool holds, const char* promise) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: broken promise: %s\n", promise);
  std::abort();
}

// One file per target process, rewritten for every input, in a folder of its own:
// $BLINDSPOT_FUZZ_TMP, else /dev/shm (no disk writes), else the system's temporary folder.
// Removed at a normal exit; scripts/fuzz.sh removes the folder of a process that crashed.
class InputFile {
 public:
  // `name` carries the extension the reader chooses the format by ("input.csv").
  explicit InputFile(std::string_view name) : path_(folder() / name) {}

  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
      std::fprintf(stderr, "fuzz: cannot write %s\n", path_.c_str());
      std::abort();
    }
    return path_;
  }
  // For a file the target writes itself (a round trip's copy).
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  static std::filesystem::path base_folder() {
    if (const char* chosen = std::getenv("BLINDSPOT_FUZZ_TMP"); chosen != nullptr && *chosen != '\0') return chosen;
    std::error_code ignored;
    if (std::filesystem::is_directory("/dev/shm", ignored) && ::access("/dev/shm", W_OK) == 0) return "/dev/shm";
    return std::filesystem::temp_directory_path();
  }

  static const std::filesystem::path& folder() {
    static const std::filesystem::path created = [] {
      std::filesystem::path path = base_folder() / ("blindspot-fuzz-" + std::to_string(::getpid()));
      std::filesystem::create_directories(path);
      std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(folder(), ignored);
      });
      return path;
    }();
    return created;
  }

  std::filesystem::path path_;
};

}  // namespace blindspot::fuzz
