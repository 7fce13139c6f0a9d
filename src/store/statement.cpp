#include "blindspot/store/database.hpp"

#include "sqlite_support.hpp"

namespace blindspot::store {
namespace {

void check_bind(int result, sqlite3_stmt* statement, const std::filesystem::path& file, int index) {
  if (result == SQLITE_OK) return;
  detail::throw_sqlite_error(sqlite3_db_handle(statement), file,
                             "cannot bind parameter " + std::to_string(index) + " of \"" +
                                 detail::sql_excerpt(sqlite3_sql(statement)) + "\"");
}

}  // namespace

Statement::Statement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

Statement& Statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(impl_->statement, index, value), impl_->statement, impl_->file, index);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(impl_->statement, index, value), impl_->statement, impl_->file, index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may die before step().
  check_bind(sqlite3_bind_text64(impl_->statement, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
             impl_->statement, impl_->file, index);
  return *this;
}

Statement& Statement::bind_null(int index) {
  check_bind(sqlite3_bind_null(impl_->statement, index), impl_->statement, impl_->file, index);
  return *this;
}

bool Statement::step() {
  const int result = sqlite3_step(impl_->statement);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  detail::throw_sqlite_error(impl_->db, impl_->file,
                             "cannot run \"" + detail::sql_excerpt(sqlite3_sql(impl_->statement)) + "\"");
}

void Statement::run() {
  while (step()) {
  }
  // Ready to run again with new bindings, which is how inserts in a loop use it.
  reset();
}

void Statement::reset() {
  // sqlite3_reset repeats the last step's error, which step() has already reported.
  sqlite3_reset(impl_->statement);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(impl_->statement, column) == SQLITE_NULL; }

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(impl_->statement, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(impl_->statement, column); }

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(impl_->statement, column);
  if (text == nullptr) return {};
  // Fetch the size after the text, as SQLite documents: the text call may convert the value.
  const int size = sqlite3_column_bytes(impl_->statement, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

}  // namespace blindspot::store
