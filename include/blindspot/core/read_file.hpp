#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace blindspot::core {

// The most bytes read_file takes from one input: 4 GiB, or BLINDSPOT_MAX_INPUT_BYTES when set
// (Error{usage} if it is not a positive whole number). Inputs are held in memory whole, so this is
// what keeps /dev/zero-like streams from eating it all.
std::uint64_t max_input_bytes();

struct ReadFileOptions {
  std::uint64_t max_bytes = max_input_bytes();
  // Whether a pipe or FIFO (bash's <(...), /dev/stdin, mkfifo) is read as a stream. Off for inputs
  // the caller also hashes or reads again: a stream gives its bytes only once.
  bool allow_streams = true;
};

// Reads a whole input, never blocking on a FIFO without a writer:
// - a regular file: Error{bad_input} if it is larger than max_bytes;
// - a pipe or FIFO (when allowed): read until its writer closes it, Error{bad_input} past
//   max_bytes, or at once when no program writes to it ("nothing to read");
// - a folder, a device (/dev/zero, a terminal, a disk) or a socket: Error{bad_input} at once.
// Error{io} naming the path and strerror when it cannot be opened or read.
std::string read_file(const std::filesystem::path& path, const ReadFileOptions& options = {});

// Throws the Error{bad_input} read_file gives for a folder, device, pipe or FIFO, without opening
// `path` (so a FIFO cannot block); does nothing for a regular file or a path that does not exist
// (the caller's open reports that).
void require_regular_file(const std::filesystem::path& path);

}  // namespace blindspot::core
