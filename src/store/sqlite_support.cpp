#include "sqlite_support.hpp"

#include "blindspot/core/error.hpp"

#include <cctype>

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

void throw_sqlite_error(sqlite3* db, const std::filesystem::path& file, const std::string& context) {
  const char* reason = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  throw core::Error(core::ErrorKind::io, context + ": " + reason, core::InputLocation{file, 0, {}});
}

}  // namespace blindspot::store::detail
