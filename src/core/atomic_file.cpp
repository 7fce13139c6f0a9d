#include "blindspot/core/atomic_file.hpp"

#include "blindspot/core/disk_space.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/temporary_files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace blindspot::core {
namespace {

std::filesystem::path temporary_name(const std::filesystem::path& target) {
  return target.parent_path() / pid_tagged_name("." + target.filename().string() + ".tmp", "");
}

// fsync's and close's own errors count: on NFS, and on some local file systems with delayed
// allocation, a full disk shows itself only there. Returns 0 or the errno of the failure.
int fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno;
  int failure = ::fsync(fd) == 0 ? 0 : errno;
  if (::close(fd) != 0 && failure == 0) failure = errno;
  return failure;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)), temporary_(temporary_name(target_)) {
  if (!target_.parent_path().empty()) {
    std::error_code ec;
    std::filesystem::create_directories(target_.parent_path(), ec);
  }
  stream_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!stream_) {
    const int error_number = errno;
    throw Error(ErrorKind::io, "cannot create a temporary file beside " + target_.string() + ": " +
                                   write_failure_reason(target_, error_number));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  stream_.close();
  std::error_code ec;
  std::filesystem::remove(temporary_, ec);
}

void AtomicFile::write(std::string_view bytes) {
  errno = 0;
  stream_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!stream_ && first_write_errno_ == 0) first_write_errno_ = errno;
}

void AtomicFile::fail(const std::string& what, const std::string& reason) {
  stream_.close();
  std::error_code ec;
  std::filesystem::remove(temporary_, ec);
  throw Error(ErrorKind::io, what + " " + target_.string() + ": " + reason);
}

void AtomicFile::commit() {
  const auto reason = [this](int error_number) { return write_failure_reason(target_, error_number); };
  // A stream that already failed keeps its badbit; errno then still holds the failed write's
  // reason unless write() saw it first.
  const int earlier_errno = first_write_errno_ != 0 ? first_write_errno_ : errno;
  if (!stream_) fail("cannot write", reason(earlier_errno));
  errno = 0;
  stream_.flush();
  if (!stream_) fail("cannot write", reason(errno));
  const std::streamoff written = stream_.tellp();
  errno = 0;
  stream_.close();
  if (stream_.fail()) fail("cannot write (closing)", reason(errno));
  if (const int failure = fsync_path(temporary_, O_RDONLY); failure != 0) fail("cannot write (syncing)", reason(failure));
  // Nothing through stream() means a writer by path (fastText), whose caller checks the file.
  std::error_code ec;
  const auto size = std::filesystem::file_size(temporary_, ec);
  if (ec) fail("cannot write", reason(ec.value()));
  if (written > 0 && size != static_cast<std::uintmax_t>(written)) {
    fail("cannot write", "the temporary file holds " + std::to_string(size) + " of the " + std::to_string(written) +
                             " bytes written (on " + describe_disk_of(target_) + ")");
  }
  std::filesystem::rename(temporary_, target_, ec);
  if (ec) fail("cannot rename a temporary file to", reason(ec.value()));
  committed_ = true;
  // The rename is durable only once the folder itself is synced.
  fsync_path(target_.parent_path().empty() ? std::filesystem::path(".") : target_.parent_path(), O_RDONLY | O_DIRECTORY);
}

void write_file_atomically(const std::filesystem::path& target, std::string_view bytes) {
  AtomicFile file(target);
  file.write(bytes);
  file.commit();
}

}  // namespace blindspot::core
