#include "blindspot/store/database.hpp"

#include "migrations.hpp"
#include "sqlite_support.hpp"

#include "blindspot/core/error.hpp"

#include <chrono>
#include <system_error>
#include <thread>

namespace blindspot::store {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorKind;

// A second writer waits this long for the write lock before failing with "database is locked".
// Our transactions last milliseconds; 10 s absorbs a slow disk or a long scan's bulk insert.
constexpr int kBusyTimeoutMs = 10'000;

core::InputLocation at(const fs::path& file) { return core::InputLocation{file, 0, {}}; }

[[noreturn]] void throw_newer(const fs::path& file, int version) {
  throw Error(ErrorKind::io,
              "the store was written by a newer blindspot (schema version " + std::to_string(version) +
                  ", this build knows up to " + std::to_string(Database::current_schema_version()) +
                  "); upgrade blindspot or use another workspace",
              at(file));
}

using StatementHandle = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

// WAL lets readers run while one writer commits, and a commit is a single append to the -wal file.
// The switch needs an exclusive lock, for which SQLite returns SQLITE_BUSY at once instead of
// calling the busy handler; two processes creating the same store do race here, so retry for as
// long as the busy timeout would wait. The mode is persistent: later opens find "wal" already.
void switch_to_wal(sqlite3* db, const fs::path& file) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &raw, nullptr) != SQLITE_OK) {
      detail::throw_sqlite_error(db, file, "cannot switch the store to WAL mode");
    }
    const StatementHandle statement(raw, &sqlite3_finalize);
    const int result = sqlite3_step(statement.get());
    if (result == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(statement.get(), 0);
      const std::string mode = text != nullptr ? reinterpret_cast<const char*>(text) : "";
      if (mode == "wal") return;
      throw Error(ErrorKind::io,
                  "cannot switch the store to WAL mode (journal mode is \"" + mode +
                      "\"); WAL needs shared memory, which network file systems do not offer",
                  at(file));
    }
    if (result != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      detail::throw_sqlite_error(db, file, "cannot switch the store to WAL mode");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void set_pragmas(Database& db) {
  // In WAL mode, synchronous=NORMAL syncs at checkpoints, not at every commit. A committed
  // transaction is in the OS's cache once COMMIT returns, so killing the process (SIGKILL, OOM
  // killer, Ctrl-C) loses nothing and never corrupts the file; only a power loss or OS crash may
  // lose the last transactions, still without corruption. FULL would fsync every commit, which
  // costs more than our small per-step transactions are worth.
  db.exec("PRAGMA synchronous=NORMAL");
  // SQLite leaves foreign keys off unless each connection asks; our REFERENCES should mean it.
  db.exec("PRAGMA foreign_keys=ON");
}

bool has_tables(Database& db) {
  auto count = db.prepare("SELECT count(*) FROM sqlite_master");
  return count.step() && count.column_int64(0) > 0;
}

void apply_migrations(Database& db, int from_version) {
  const auto scripts = detail::migrations();
  for (std::size_t version = static_cast<std::size_t>(from_version); version < scripts.size(); ++version) {
    try {
      db.exec(scripts[version]);
    } catch (const Error& error) {
      throw Error(ErrorKind::io,
                  "cannot migrate the store from schema version " + std::to_string(version) + " to " +
                      std::to_string(version + 1) + ": " + error.message(),
                  at(db.file()));
    }
  }
  db.exec("PRAGMA user_version=" + std::to_string(scripts.size()));
}

// Brings the file to the current schema in one IMMEDIATE transaction: a crash leaves the old
// version intact, and of two processes opening a fresh file at once the second waits for the
// lock, then re-reads the version and finds nothing left to do.
void migrate(Database& db) {
  const int target = Database::current_schema_version();
  int version = db.schema_version();
  if (version > target) throw_newer(db.file(), version);
  if (version == target) return;
  db.transaction([&] {
    version = db.schema_version();
    if (version > target) throw_newer(db.file(), version);
    if (version == target) return;
    if (version == 0 && has_tables(db)) {
      throw Error(ErrorKind::io,
                  "not a blindspot store: the SQLite file holds tables but no blindspot schema version "
                  "(PRAGMA user_version is 0)",
                  at(db.file()));
    }
    apply_migrations(db, version);
  });
}

// "file:<path>?<options>" with the characters a URI gives a meaning to percent-encoded.
std::string sqlite_uri(const fs::path& file, const std::string& options) {
  std::string uri = "file:";
  for (const char c : fs::absolute(file).string()) {
    if (c == '%' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      uri += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?" + options;
}

// Opens `uri` read-only and reads from it once (SQLite opens lazily); SQLITE_OK or the failure.
int open_and_probe(const std::string& uri, sqlite3*& db) {
  int result = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  if (result == SQLITE_OK) {
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    result = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  }
  return result;
}

}  // namespace

struct Database::Impl {
  sqlite3* db = nullptr;
  fs::path file;

  explicit Impl(fs::path database_file) : file(std::move(database_file)) {}
  // close_v2 defers the close until statements still alive are finalized, so a Statement that
  // outlives its Database by mistake does not leak the connection or crash.
  ~Impl() { sqlite3_close_v2(db); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Database Database::open(const fs::path& file) {
  if (file.has_parent_path()) {
    std::error_code error;
    fs::create_directories(file.parent_path(), error);
    if (error) {
      throw Error(ErrorKind::io,
                  "cannot create the store's folder \"" + file.parent_path().string() + "\": " + error.message(),
                  at(file));
    }
  }
  auto impl = std::make_unique<Impl>(file);
  if (sqlite3_open_v2(file.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    detail::throw_sqlite_error(impl->db, file, "cannot open the store");
  }
  // Before anything touches the file, so every later lock (even the WAL switch) waits for a
  // concurrent writer instead of failing at once.
  sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);
  // SQLite opens lazily; the first read is where a file that is not a database shows itself.
  const int probe = sqlite3_exec(impl->db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  if (probe == SQLITE_NOTADB) {
    throw Error(ErrorKind::io, "not a blindspot store: the file is not an SQLite database", at(file));
  }
  if (probe != SQLITE_OK) detail::throw_sqlite_error(impl->db, file, "cannot read the store");

  switch_to_wal(impl->db, file);

  Database database(std::move(impl));
  set_pragmas(database);
  migrate(database);
  return database;
}

Database Database::open_read_only(const fs::path& file) {
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    throw Error(ErrorKind::io, "no store to read: the file does not exist", at(file));
  }
  auto impl = std::make_unique<Impl>(file);
  // A read-only connection to a WAL store reads the -wal file through the -shm index, which it
  // must create when the last writer closed cleanly (and removed both); a read-only folder
  // refuses that. The file is then opened immutable: no locks, no WAL, which is exact because
  // the clean close checkpointed everything into the file and nothing can write here meanwhile.
  int result = open_and_probe(sqlite_uri(file, "mode=ro"), impl->db);
  if (result != SQLITE_OK && result != SQLITE_NOTADB) {
    sqlite3_close_v2(impl->db);
    impl->db = nullptr;
    result = open_and_probe(sqlite_uri(file, "immutable=1"), impl->db);
  }
  if (result == SQLITE_NOTADB) {
    throw Error(ErrorKind::io, "not a blindspot store: the file is not an SQLite database", at(file));
  }
  if (result != SQLITE_OK) detail::throw_sqlite_error(impl->db, file, "cannot open the store read-only");
  Database database(std::move(impl));
  database.exec("PRAGMA foreign_keys=ON");
  const int version = database.schema_version();
  if (version > current_schema_version()) throw_newer(file, version);
  if (version < current_schema_version()) {
    throw Error(ErrorKind::io,
                "the store has schema version " + std::to_string(version) + " and this build reads version " +
                    std::to_string(current_schema_version()) +
                    "; it is read-only here, so it cannot be upgraded: run any blindspot command once where it is "
                    "writable",
                at(file));
  }
  return database;
}

const fs::path& Database::file() const noexcept { return impl_->file; }

int Database::schema_version() const {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(impl_->db, "PRAGMA user_version", -1, &statement, nullptr) != SQLITE_OK) {
    detail::throw_sqlite_error(impl_->db, impl_->file, "cannot read the schema version");
  }
  const int result = sqlite3_step(statement);
  const int version = result == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0;
  sqlite3_finalize(statement);
  if (result != SQLITE_ROW) detail::throw_sqlite_error(impl_->db, impl_->file, "cannot read the schema version");
  return version;
}

int Database::current_schema_version() noexcept { return static_cast<int>(detail::migrations().size()); }

std::string Database::sqlite_version() { return sqlite3_libversion(); }

void Database::exec(std::string_view sql) {
  // sqlite3_exec needs a terminated string; a std::string_view may not be.
  const std::string script(sql);
  if (sqlite3_exec(impl_->db, script.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return;
  throw Error(ErrorKind::io, "cannot execute \"" + detail::sql_excerpt(sql) + "\": " + detail::failure_reason(impl_->db, impl_->file),
              at(impl_->file));
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  const int result = sqlite3_prepare_v3(impl_->db, sql.data(), static_cast<int>(sql.size()), 0, &statement, &tail);
  if (result != SQLITE_OK) {
    detail::throw_sqlite_error(impl_->db, impl_->file, "cannot prepare \"" + detail::sql_excerpt(sql) + "\"");
  }
  auto impl = std::make_unique<Statement::Impl>(statement, impl_->db, impl_->file);
  // A second statement would be silently ignored by SQLite; make the mistake loud.
  const std::string_view rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
  if (!detail::sql_excerpt(rest).empty()) {
    throw Error(ErrorKind::internal,
                "prepare() takes one SQL statement, got more in \"" + detail::sql_excerpt(sql) +
                    "\"; use exec() for scripts",
                at(impl_->file));
  }
  if (statement == nullptr) {
    throw Error(ErrorKind::internal, "prepare() got no SQL statement in \"" + detail::sql_excerpt(sql) + "\"",
                at(impl_->file));
  }
  return Statement(std::move(impl));
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(impl_->db); }

void Database::transaction(const std::function<void()>& work) {
  // Inside an open transaction a savepoint gives the same all-or-nothing meaning to the inner call.
  const bool nested = sqlite3_get_autocommit(impl_->db) == 0;
  // IMMEDIATE takes the write lock up front (waiting under the busy timeout); a deferred
  // transaction that reads first and writes later can fail with SQLITE_BUSY without waiting.
  exec(nested ? "SAVEPOINT blindspot_nested" : "BEGIN IMMEDIATE");
  try {
    work();
    exec(nested ? "RELEASE blindspot_nested" : "COMMIT");
  } catch (...) {
    // Best effort: SQLite may have rolled back already, and the caller's exception matters more.
    if (sqlite3_get_autocommit(impl_->db) == 0) {
      const char* undo = nested ? "ROLLBACK TO blindspot_nested; RELEASE blindspot_nested" : "ROLLBACK";
      sqlite3_exec(impl_->db, undo, nullptr, nullptr, nullptr);
    }
    throw;
  }
}

}  // namespace blindspot::store
