#pragma once

// Private to the store module: the SQLite handles behind the public pimpls and the one place
// that turns SQLite failures into core::Error.

#include "blindspot/store/database.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace blindspot::store {

struct Statement::Impl {
  sqlite3_stmt* statement = nullptr;
  sqlite3* db = nullptr;
  // A copy, so a statement can name its file in errors without reaching back into its Database.
  std::filesystem::path file;

  Impl(sqlite3_stmt* prepared, sqlite3* connection, std::filesystem::path database_file)
      : statement(prepared), db(connection), file(std::move(database_file)) {}
  ~Impl() { sqlite3_finalize(statement); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

namespace detail {

// The start of `sql` on one line, for error messages: whitespace runs collapse to one space and
// anything past ~60 characters becomes "...".
std::string sql_excerpt(std::string_view sql);

// SQLite's message for db's last failure; on a full disk also which disk (core::write_failure_reason),
// for a read-only store that it is read-only.
std::string failure_reason(sqlite3* db, const std::filesystem::path& file);

// Throws Error{io} located at `file`: "<file>: <context>: <failure_reason(db, file)>".
[[noreturn]] void throw_sqlite_error(sqlite3* db, const std::filesystem::path& file, const std::string& context);

}  // namespace detail
}  // namespace blindspot::store
