#include "blindspot/store/database.hpp"
#include "blindspot/store/runs.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace blindspot;
using store::Database;
using testing::HasSubstr;

namespace {

// Builds a database file from `sql` with the SQLite C API alone, as an older (or foreign) program
// would have, so the store's own code plays no part in what the file holds.
void build_with_sqlite(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int result = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(result, SQLITE_OK) << (message != nullptr ? message : "");
  sqlite3_free(message);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
}

std::int64_t count_rows(Database& db, const std::string& table) {
  auto count = db.prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(count.step());
  return count.column_int64(0);
}

}  // namespace

TEST(Migrations, VersionOneFileMigratesKeepingItsRows) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  build_with_sqlite(file, test::read_text(test::fixture("store/schema_v1.sql")));

  auto db = Database::open(file);
  EXPECT_EQ(db.schema_version(), Database::current_schema_version());
  EXPECT_EQ(db.schema_version(), 8);

  const auto train = store::find_run(db, 1);
  ASSERT_TRUE(train.has_value());
  EXPECT_EQ(train->command, "train");
  EXPECT_EQ(train->arguments_json, R"({"epochs":5,"data":"imdb"})");
  EXPECT_EQ(train->started_at, "2026-11-20T09:00:00Z");
  EXPECT_EQ(train->ended_at, "2026-11-20T09:01:30Z");
  EXPECT_EQ(train->status, "ok");
  EXPECT_EQ(train->versions_json, R"({"blindspot":"0.1.0","fasttext":"0.9.2","sqlite":"3.40.1"})");
  // The columns version 2 added read their defaults.
  EXPECT_EQ(train->pid, 0);
  EXPECT_EQ(train->host, "");
  EXPECT_EQ(train->exit_code, std::nullopt);
  // Without a host and pid nobody can tell whether the old process lives, so it stays "running".
  EXPECT_EQ(store::find_run(db, 2)->status, "running");

  const auto artifacts = store::list_artifacts(db, 1);
  ASSERT_EQ(artifacts.size(), 1U);
  EXPECT_EQ(artifacts[0].path, "models/imdb.bin");
  EXPECT_EQ(artifacts[0].details_json, R"({"labels":2})");
  EXPECT_EQ(count_rows(db, "predictions"), 2);
  auto uu = db.prepare("SELECT text, confidence FROM uus WHERE run_id = 2 AND kind = 'natural'");
  ASSERT_TRUE(uu.step());
  EXPECT_EQ(uu.column_text(0), "not bad at all, but dull");
  EXPECT_DOUBLE_EQ(uu.column_double(1), 0.91);

  store::record_metric(db, 2, "dev", "accuracy", 0.5);
  ASSERT_EQ(store::list_metrics(db, 2).size(), 1U);
  store::finish_run(db, 2, 0);
  EXPECT_EQ(store::find_run(db, 2)->exit_code, 0);
  EXPECT_EQ(store::begin_run(db, "eval", "{}", "{}"), 3);

  auto integrity = db.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(integrity.step());
  EXPECT_EQ(integrity.column_text(0), "ok");
}

TEST(Migrations, MigrationAddsIndexesAndForeignKeysStillHold) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  build_with_sqlite(file, test::read_text(test::fixture("store/schema_v1.sql")));
  auto db = Database::open(file);
  auto indexes = db.prepare("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' "
                            "AND name NOT LIKE 'sqlite_%' ORDER BY name)");
  ASSERT_TRUE(indexes.step());
  EXPECT_EQ(indexes.column_text(0),
            "annotators_by_run,artifacts_by_hash,artifacts_by_run,assignments_by_uu,human_submissions_by_run,"
            "llm_calls_by_run,model_feedback_by_assignment,runs_by_command,web_sessions_by_annotator");
  const auto error = test::expect_error([&] { store::record_metric(db, 42, "dev", "accuracy", 1.0); });
  EXPECT_THAT(error.what(), HasSubstr("FOREIGN KEY constraint failed"));
}

TEST(Migrations, NewerFileIsRefusedWithBothVersions) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  build_with_sqlite(file, "CREATE TABLE future (x); PRAGMA user_version = 9;");
  const auto error = test::expect_error([&] { Database::open(file); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_EQ(std::string(error.what()), file.string() +
                                           ": the store was written by a newer blindspot (schema version 9, this "
                                           "build knows up to 8); upgrade blindspot or use another workspace");
}

TEST(Migrations, GarbageFileIsRefusedNamingIt) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  test::write_text(file, "text,label\nthis is a CSV file that somebody named blindspot.db,negative\n");
  const auto error = test::expect_error([&] { Database::open(file); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_EQ(std::string(error.what()), file.string() + ": not a blindspot store: the file is not an SQLite database");
  // Refusing must not have "repaired" the file into a database.
  EXPECT_THAT(test::read_text(file), HasSubstr("this is a CSV file"));
}

TEST(Migrations, ForeignSqliteFileIsRefused) {
  test::TempDir dir;
  const auto file = dir / "other.db";
  build_with_sqlite(file, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada');");
  const auto error = test::expect_error([&] { Database::open(file); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr(file.string() + ": not a blindspot store: the SQLite file holds tables"));
}

TEST(Migrations, EmptyFileBecomesAStore) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  test::write_text(file, "");
  auto db = Database::open(file);
  EXPECT_EQ(db.schema_version(), 8);
}
