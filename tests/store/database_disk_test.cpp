// The store on a full disk and in a read-only workspace (issue 13): errors name the disk, and a
// store that cannot be written can still be read.

#include "blindspot/store/database.hpp"
#include "blindspot/store/runs.hpp"

#include "support/file_size_limit.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <unistd.h>

using namespace blindspot;
using store::Database;
using testing::HasSubstr;

TEST(DatabaseOnAFullDisk, AWriteThatDoesNotFitNamesTheDiskHoldingTheStore) {
  test::TempDir dir;
  const auto file = dir / "work" / "blindspot.db";
  { Database::open(file); }  // created while the disk has room
  const std::string message = test::run_with_file_size_limit(256 * 1024, [&] {
    auto db = Database::open(file);
    db.exec("CREATE TABLE filler (bytes BLOB)");
    for (int i = 0; i < 64; ++i) {
      db.prepare("INSERT INTO filler VALUES (?)").bind(1, std::string(64 * 1024, 'x')).run();
    }
  });
  EXPECT_THAT(message, HasSubstr(file.string()));
  // SQLite reports a failed write as "disk I/O error" and has lost its errno (EFBIG) by then: the
  // message names the disk and its free space.
  EXPECT_THAT(message, HasSubstr("disk I/O error on the disk holding " + (dir / "work").string() + " (mounted at "));
  EXPECT_THAT(message, HasSubstr(" free)"));
}

TEST(DatabaseReadOnly, ReadsAStoreAndRefusesToWriteIt) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  {
    auto db = Database::open(file);
    store::begin_run(db, "train", "{}", "{}");
  }
  auto db = Database::open_read_only(file);
  EXPECT_EQ(db.schema_version(), Database::current_schema_version());
  const auto runs = store::list_runs(db, 10);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].command, "train");
  const auto error = test::expect_error([&] { store::begin_run(db, "scan", "{}", "{}"); });
  EXPECT_THAT(error.what(), HasSubstr("the store is open read-only"));
  auto writable = Database::open(file);
  EXPECT_EQ(store::list_runs(writable, 10).size(), 1u);
}

TEST(DatabaseReadOnly, AMissingStoreIsAnError) {
  test::TempDir dir;
  const auto error = test::expect_error([&] { Database::open_read_only(dir / "blindspot.db"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr("does not exist"));
  EXPECT_FALSE(std::filesystem::exists(dir / "blindspot.db"));
}

TEST(DatabaseReadOnly, AnOlderStoreCannotBeUpgradedReadOnly) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, test::read_text(test::fixture("store/schema_v1.sql")).c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  const auto error = test::expect_error([&] { Database::open_read_only(file); });
  EXPECT_THAT(error.what(), HasSubstr("schema version 1"));
  EXPECT_THAT(error.what(), HasSubstr("cannot be upgraded"));
}
