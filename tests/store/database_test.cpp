#include "blindspot/store/database.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <stdexcept>
#include <type_traits>

using namespace blindspot;
using store::Database;
using testing::HasSubstr;

namespace {

std::string pragma_text(Database& db, const std::string& name) {
  auto pragma = db.prepare("PRAGMA " + name);
  EXPECT_TRUE(pragma.step());
  return pragma.column_text(0);
}

std::int64_t count_rows(Database& db, const std::string& table) {
  auto count = db.prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(count.step());
  return count.column_int64(0);
}

}  // namespace

static_assert(!std::is_copy_constructible_v<store::Statement>);
static_assert(std::is_nothrow_move_constructible_v<store::Statement>);
static_assert(!std::is_copy_constructible_v<Database>);
static_assert(std::is_nothrow_move_constructible_v<Database>);

TEST(Database, OpenCreatesFolderAndFileAtCurrentVersion) {
  test::TempDir dir;
  const auto file = dir / "workspace/nested/blindspot.db";
  auto db = Database::open(file);
  EXPECT_TRUE(std::filesystem::is_regular_file(file));
  EXPECT_EQ(db.file(), file);
  EXPECT_EQ(Database::current_schema_version(), 8);
  EXPECT_EQ(db.schema_version(), 8);
  EXPECT_EQ(count_rows(db, "runs"), 0);
  EXPECT_EQ(count_rows(db, "metrics"), 0);
}

TEST(Database, OpenSetsWalNormalForeignKeysAndBusyTimeout) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  EXPECT_EQ(pragma_text(db, "journal_mode"), "wal");
  EXPECT_EQ(pragma_text(db, "synchronous"), "1");  // NORMAL
  EXPECT_EQ(pragma_text(db, "foreign_keys"), "1");
  EXPECT_EQ(pragma_text(db, "busy_timeout"), "10000");
}

TEST(Database, ReopeningKeepsRowsAndVersion) {
  test::TempDir dir;
  {
    auto db = Database::open(dir / "blindspot.db");
    db.exec(
        "INSERT INTO runs (command, arguments, started_at, status, versions) "
        "VALUES ('train', '{}', 't', 'ok', '{}')");
    EXPECT_EQ(db.last_insert_id(), 1);
  }
  auto db = Database::open(dir / "blindspot.db");
  EXPECT_EQ(db.schema_version(), 8);
  EXPECT_EQ(count_rows(db, "runs"), 1);
}

TEST(Database, SqliteVersionIsTheLinkedLibrary) {
  EXPECT_THAT(Database::sqlite_version(), testing::MatchesRegex("3\\.[0-9]+\\.[0-9]+"));
}

TEST(Database, UncreatableFolderIsAnIoErrorNamingTheFile) {
  test::TempDir dir;
  test::write_text(dir / "plain-file", "x");
  const auto file = dir / "plain-file/blindspot.db";
  const auto error = test::expect_error([&] { Database::open(file); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr(file.string() + ": cannot create the store's folder"));
}

TEST(Database, FolderInPlaceOfTheFileIsAnIoError) {
  test::TempDir dir;
  const auto error = test::expect_error([&] { Database::open(dir.path()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr(dir.path().string() + ": cannot open the store: unable to open database file"));
}

TEST(Statement, BindsAndReadsEveryType) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  db.exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT)");
  auto insert = db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
  const std::string text("caf\xC3\xA9 with \0 inside", 18);
  insert.bind(1, std::int64_t{1} << 40).bind(2, 0.125).bind(3, text).bind_null(4);
  insert.run();
  insert.bind(1, 7).bind(2, -1.5).bind(3, "second").bind(4, std::string_view("view"));
  insert.run();

  auto select = db.prepare("SELECT i, d, s, n FROM t ORDER BY rowid");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int64(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select.column_double(1), 0.125);
  EXPECT_EQ(select.column_text(2), text);
  EXPECT_TRUE(select.is_null(3));
  EXPECT_EQ(select.column_text(3), "");
  EXPECT_EQ(select.column_optional_text(3), std::nullopt);
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int64(0), 7);
  EXPECT_EQ(select.column_optional_text(3), "view");
  EXPECT_FALSE(select.step());
  select.reset();
  EXPECT_TRUE(select.step());  // a reset statement runs again from the start
}

TEST(Statement, MovedStatementKeepsWorking) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  auto first = db.prepare("SELECT 42");
  store::Statement second = std::move(first);
  ASSERT_TRUE(second.step());
  EXPECT_EQ(second.column_int64(0), 42);
  first = db.prepare("SELECT 'again'");
  ASSERT_TRUE(first.step());
  EXPECT_EQ(first.column_text(0), "again");
}

TEST(Statement, PrepareErrorNamesFileSqlAndSqliteMessage) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto error = test::expect_error([&] { db.prepare("SELECT command FROM no_such_table WHERE id = ?"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_EQ(std::string(error.what()), (dir / "blindspot.db").string() +
                                           ": cannot prepare \"SELECT command FROM no_such_table WHERE id = ?\": "
                                           "no such table: no_such_table");
}

TEST(Statement, LongSqlIsShortenedInErrors) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto error = test::expect_error([&] {
    db.prepare("SELECT   id,\n       command, arguments, started_at, ended_at, status, error FROM runz");
  });
  EXPECT_THAT(error.what(),
              HasSubstr("cannot prepare \"SELECT id, command, arguments, started_at, ended_at, status,...\": "
                        "no such table: runz"));
}

TEST(Statement, PrepareRefusesTwoStatements) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto error = test::expect_error([&] { db.prepare("SELECT 1; SELECT 2"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("prepare() takes one SQL statement"));
}

TEST(Statement, ConstraintViolationNamesFileAndConstraint) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  auto insert = db.prepare(
      "INSERT INTO artifacts (run_id, kind, role, path, content_hash) VALUES (?, 'model', '', 'm.bin', 'abc')");
  insert.bind(1, 99);
  const auto error = test::expect_error([&] { insert.run(); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr((dir / "blindspot.db").string() + ": cannot run \"INSERT INTO artifacts"));
  EXPECT_THAT(error.what(), HasSubstr("FOREIGN KEY constraint failed"));
}

TEST(Database, ExecErrorNamesFileSqlAndMessage) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto error = test::expect_error([&] { db.exec("CREATE TABLE runs (x)"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_EQ(std::string(error.what()),
            (dir / "blindspot.db").string() + ": cannot execute \"CREATE TABLE runs (x)\": table runs already exists");
}

TEST(Database, TransactionCommitsOrRollsBackAndRethrows) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  db.exec("CREATE TABLE t (x INTEGER)");
  db.transaction([&] { db.exec("INSERT INTO t VALUES (1)"); });
  EXPECT_THROW(db.transaction([&] {
    db.exec("INSERT INTO t VALUES (2)");
    throw std::runtime_error("stage failed");
  }),
               std::runtime_error);
  EXPECT_EQ(count_rows(db, "t"), 1);
  db.transaction([&] { db.exec("INSERT INTO t VALUES (3)"); });  // the connection is usable again
  EXPECT_EQ(count_rows(db, "t"), 2);
}

TEST(Database, NestedTransactionRollsBackOnlyItsOwnWork) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  db.exec("CREATE TABLE t (x INTEGER)");
  db.transaction([&] {
    db.exec("INSERT INTO t VALUES (1)");
    EXPECT_THROW(db.transaction([&] {
      db.exec("INSERT INTO t VALUES (2)");
      throw std::runtime_error("inner failed");
    }),
                 std::runtime_error);
    db.transaction([&] { db.exec("INSERT INTO t VALUES (3)"); });
  });
  auto sum = db.prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(sum.step());
  EXPECT_EQ(sum.column_text(0), "1,3");
}

TEST(Database, SecondWriterWaitsForTheLockInsteadOfFailing) {
  test::TempDir dir;
  auto holder = Database::open(dir / "blindspot.db");
  auto waiter = Database::open(dir / "blindspot.db");
  holder.exec("CREATE TABLE t (x INTEGER)");
  std::promise<void> locked;
  auto writer = std::async(std::launch::async, [&] {
    holder.transaction([&] {
      holder.exec("INSERT INTO t VALUES (1)");
      locked.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    });
  });
  locked.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  waiter.exec("INSERT INTO t VALUES (2)");
  const auto waited = std::chrono::steady_clock::now() - start;
  writer.get();
  EXPECT_GE(waited, std::chrono::milliseconds(200));
  EXPECT_EQ(count_rows(waiter, "t"), 2);
}
