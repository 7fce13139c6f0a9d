#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace blindspot::store {

class Database;

// A prepared SQL statement. Parameters are 1-based, columns 0-based (as in SQLite).
class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind_null(int index);

  // Runs to the next row; false when done. Throws Error{io} naming the database file.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  bool is_null(int column) const;
  std::int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

 private:
  friend class Database;
  struct Impl;
  explicit Statement(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One SQLite run-store file (one per workspace) in WAL mode with a versioned schema.
// Opening migrates an older file to the current version in one transaction. Concurrent
// writers wait (busy timeout) instead of failing; a killed process leaves the last committed
// state. One Database object is used by one thread at a time.
class Database {
 public:
  // Creates the file (and its folder) if needed. Throws Error{io} naming the file if it
  // cannot be opened, is not a blindspot store, or comes from a newer blindspot.
  static Database open(const std::filesystem::path& file);
  // Opens an existing store for reading only, for a read-only workspace (a read-only mount, a
  // folder without write permission): never creates, migrates or locks for writing; a write
  // through it fails with Error{io} saying the store is open read-only. Throws Error{io} if the
  // file is missing, is not a blindspot store, or has another schema version than this build's
  // (an older one cannot be migrated without writing).
  static Database open_read_only(const std::filesystem::path& file);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  const std::filesystem::path& file() const noexcept;
  // The file's PRAGMA user_version; after open() always current_schema_version().
  int schema_version() const;
  // The newest schema this build knows (the number of migrations).
  static int current_schema_version() noexcept;
  // The linked SQLite library's version, e.g. "3.40.1" (recorded in each run's versions).
  static std::string sqlite_version();

  // Runs one or more SQL statements that return no rows. Throws Error{io} naming the file, the
  // start of the SQL and SQLite's message.
  void exec(std::string_view sql);
  // Prepares exactly one statement. Throws Error{io} as exec() does; Error{internal} if `sql`
  // holds no statement or more than one.
  Statement prepare(std::string_view sql);
  // rowid of this connection's most recent INSERT.
  std::int64_t last_insert_id() const;

  // Runs `work` in BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows on an exception.
  // Inside another transaction it uses a SAVEPOINT, so only the inner work is undone.
  void transaction(const std::function<void()>& work);

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::store
