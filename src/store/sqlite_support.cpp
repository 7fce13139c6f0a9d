#include "sqlite_support.hpp"

#include "blindspot/core/disk_space.hpp"
#include "blindspot/core/error.hpp"

#include <cctype>
#include <cerrno>

namespace blindspot::store::detail {

namespace {
constexpr std::size_t kExcerptLength = 60;
}  // namespace

std::string sql_excerpt(std::string_view sql) {
  std::string out;
  bool pending_space = false;
  for (const char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      pending_space = !out.empty();
      continue;
    }
    if (out.size() >= kExcerptLength) return out + "...";
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string failure_reason(sqlite3* db, const std::filesystem::path& file) {
  if (db == nullptr) return "out of memory";
  std::string reason = sqlite3_errmsg(db);
  const int code = sqlite3_extended_errcode(db) & 0xff;
  const int system_errno = sqlite3_system_errno(db);
  // SQLITE_FULL is SQLite's "no space" (ENOSPC or a short write). A failed write() with another
  // errno (EDQUOT, EFBIG) is an I/O error whose errno SQLite has often lost by now, so the
  // message then says how full the disk is and lets the reader judge.
  if (code == SQLITE_FULL || (code == SQLITE_IOERR && core::is_disk_full_error(system_errno))) {
    reason += ": " + core::write_failure_reason(file, core::is_disk_full_error(system_errno) ? system_errno : ENOSPC);
  } else if (code == SQLITE_IOERR) {
    reason += " on " + core::describe_disk_of(file);
  } else if (code == SQLITE_READONLY) {
    reason += " (the store is open read-only: its file or folder cannot be written)";
  }
  return reason;
}

void throw_sqlite_error(sqlite3* db, const std::filesystem::path& file, const std::string& context) {
  throw core::Error(core::ErrorKind::io, context + ": " + failure_reason(db, file), core::InputLocation{file, 0, {}});
}

}  // namespace blindspot::store::detail
