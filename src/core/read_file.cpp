#include "blindspot/core/read_file.hpp"

#include "blindspot/core/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

namespace blindspot::core {
namespace {

constexpr std::uint64_t kDefaultMaxInputBytes = std::uint64_t{4} << 30;
constexpr const char* kLimitVariable = "BLINDSPOT_MAX_INPUT_BYTES";
constexpr std::size_t kChunkBytes = std::size_t{1} << 16;

Error io_error(const std::filesystem::path& path, const std::string& doing, int error_number) {
  return Error(ErrorKind::io, doing + ": " + std::strerror(error_number), InputLocation{path, 0, ""});
}

// Why an input of this type is not read, or nullopt when it is.
std::optional<std::string> refusal_for(mode_t mode, bool allow_streams) {
  if (S_ISREG(mode)) return std::nullopt;
  if (S_ISDIR(mode)) return "is a folder, not a file";
  if (S_ISFIFO(mode)) {
    if (allow_streams) return std::nullopt;
    return "is a pipe or FIFO, not a file (this input is hashed and read separately, so its bytes are needed "
           "twice: save them to a file)";
  }
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a file";
  return "is not a regular file";
}

class Descriptor {
 public:
  explicit Descriptor(int fd) noexcept : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// read() that retries when a signal interrupts it; -1 only on a real error.
ssize_t read_some(int fd, char* buffer, std::size_t size) {
  while (true) {
    const ssize_t got = ::read(fd, buffer, size);
    if (got >= 0 || errno != EINTR) return got;
  }
}

std::string limit_text(std::uint64_t max_bytes) {
  return "the limit of " + std::to_string(max_bytes) + " bytes (" + kLimitVariable + ")";
}

// A pipe, a FIFO, or a file whose size stat does not know (/proc): chunk by chunk up to the limit.
std::string read_stream(int fd, const std::filesystem::path& path, std::uint64_t max_bytes, bool is_pipe) {
  std::string bytes;
  std::string chunk(kChunkBytes, '\0');
  while (true) {
    const ssize_t got = read_some(fd, chunk.data(), chunk.size());
    if (got < 0) throw io_error(path, "cannot read file", errno);
    if (got == 0) break;
    if (bytes.size() + static_cast<std::uint64_t>(got) > max_bytes) {
      throw Error(ErrorKind::bad_input,
                  std::string(is_pipe ? "a pipe or FIFO giving" : "a file of") + " more than " + limit_text(max_bytes),
                  InputLocation{path, 0, ""});
    }
    bytes.append(chunk.data(), static_cast<std::size_t>(got));
  }
  if (is_pipe && bytes.empty()) {
    throw Error(ErrorKind::bad_input, "nothing to read: a pipe or FIFO no program writes to, or one that wrote nothing",
                InputLocation{path, 0, ""});
  }
  return bytes;
}

// One sized read: streaming through an ostringstream was ~10x slower on a 14 MB file.
std::string read_regular(int fd, const std::filesystem::path& path, std::uint64_t size, std::uint64_t max_bytes) {
  if (size > max_bytes) {
    throw Error(ErrorKind::bad_input, "is " + std::to_string(size) + " bytes, more than " + limit_text(max_bytes),
                InputLocation{path, 0, ""});
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = read_some(fd, bytes.data() + filled, bytes.size() - filled);
    if (got < 0) throw io_error(path, "cannot read file", errno);
    if (got == 0) break;  // the file shrank while being read
    filled += static_cast<std::size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

}  // namespace

std::uint64_t max_input_bytes() {
  const char* value = std::getenv(kLimitVariable);
  if (value == nullptr || *value == '\0') return kDefaultMaxInputBytes;
  const std::string_view text(value);
  std::uint64_t bytes = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bytes);
  if (error != std::errc() || end != text.data() + text.size() || bytes == 0) {
    throw Error(ErrorKind::usage, std::string(kLimitVariable) + ": \"" + value +
                                      "\" is not a number of bytes (a whole number above 0; default " +
                                      std::to_string(kDefaultMaxInputBytes) + ")");
  }
  return bytes;
}

std::string read_file(const std::filesystem::path& path, const ReadFileOptions& options) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer, forever if none comes.
  const Descriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) throw io_error(path, "cannot open file", errno);
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) throw io_error(path, "cannot read file", errno);
  if (const auto refusal = refusal_for(status.st_mode, options.allow_streams)) {
    throw Error(ErrorKind::bad_input, *refusal, InputLocation{path, 0, ""});
  }
  // Blocking reads from here: a FIFO whose writer is gone (or never came) then reads as its end.
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) throw io_error(path, "cannot read file", errno);
  if (S_ISFIFO(status.st_mode)) return read_stream(fd.get(), path, options.max_bytes, true);
  if (status.st_size == 0) return read_stream(fd.get(), path, options.max_bytes, false);
  return read_regular(fd.get(), path, static_cast<std::uint64_t>(status.st_size), options.max_bytes);
}

void require_regular_file(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return;
  if (const auto refusal = refusal_for(status.st_mode, false)) {
    throw Error(ErrorKind::bad_input, *refusal, InputLocation{path, 0, ""});
  }
}

}  // namespace blindspot::core
