#include "blindspot/core/atomic_file.hpp"

#include "blindspot/core/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sstream>
#include <unistd.h>

namespace blindspot::core {
namespace {

std::filesystem::path temporary_name(const std::filesystem::path& target) {
  std::random_device device;
  std::ostringstream name;
  name << "." << target.filename().string() << ".tmp-" << ::getpid() << "-" << std::hex << device();
  return target.parent_path() / name.str();
}

void fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)), temporary_(temporary_name(target_)) {
  if (!target_.parent_path().empty()) {
    std::error_code ec;
    std::filesystem::create_directories(target_.parent_path(), ec);
  }
  stream_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!stream_) {
    throw Error(ErrorKind::io, "cannot create a temporary file beside " + target_.string() + ": " + std::strerror(errno));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  stream_.close();
  std::error_code ec;
  std::filesystem::remove(temporary_, ec);
}

void AtomicFile::commit() {
  stream_.flush();
  const bool write_ok = static_cast<bool>(stream_);
  stream_.close();
  if (!write_ok) throw Error(ErrorKind::io, "cannot write " + target_.string() + ": " + std::strerror(errno));
  fsync_path(temporary_, O_RDONLY);
  std::error_code ec;
  std::filesystem::rename(temporary_, target_, ec);
  if (ec) throw Error(ErrorKind::io, "cannot rename a temporary file to " + target_.string() + ": " + ec.message());
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
