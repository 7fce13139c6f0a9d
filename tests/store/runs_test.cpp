#include "blindspot/store/runs.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include <sys/wait.h>
#include <unistd.h>

using namespace blindspot;
using store::Database;
using testing::HasSubstr;

namespace {

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// The pid of a process that existed and is gone (forked, exited and reaped).
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

}  // namespace

TEST(Runs, BeginAndFinishRoundTrip) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto run_id = store::begin_run(db, "train", R"({"epochs":5})", R"({"blindspot":"0.1.0"})");
  EXPECT_EQ(run_id, 1);

  auto running = store::find_run(db, run_id);
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->command, "train");
  EXPECT_EQ(running->arguments_json, R"({"epochs":5})");
  EXPECT_EQ(running->versions_json, R"({"blindspot":"0.1.0"})");
  EXPECT_THAT(running->started_at,
              testing::MatchesRegex("20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z"));
  EXPECT_EQ(running->status, "running");  // this process is alive
  EXPECT_EQ(running->ended_at, std::nullopt);
  EXPECT_EQ(running->exit_code, std::nullopt);
  EXPECT_EQ(running->pid, getpid());
  EXPECT_EQ(running->host, host_name());

  store::finish_run(db, run_id, 0);
  const auto done = store::find_run(db, run_id);
  EXPECT_EQ(done->status, "ok");
  EXPECT_EQ(done->exit_code, 0);
  EXPECT_EQ(done->error, std::nullopt);
  ASSERT_TRUE(done->ended_at.has_value());
  EXPECT_GE(*done->ended_at, done->started_at);
}

TEST(Runs, FailedRunKeepsExitCodeAndError) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto run_id = store::begin_run(db, "scan", "{}", "{}");
  store::finish_run(db, run_id, 2, "data/train.csv:4: column \"label\": unknown label \"postive\"");
  const auto run = store::find_run(db, run_id);
  EXPECT_EQ(run->status, "failed");
  EXPECT_EQ(run->exit_code, 2);
  EXPECT_EQ(run->error, "data/train.csv:4: column \"label\": unknown label \"postive\"");
}

TEST(Runs, ListIsNewestFirstAndLimited) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  for (const char* command : {"train", "scan", "eval"}) store::begin_run(db, command, "{}", "{}");
  const auto all = store::list_runs(db);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].command, "eval");
  EXPECT_EQ(all[1].command, "scan");
  EXPECT_EQ(all[2].command, "train");
  EXPECT_EQ(all[2].id, 1);
  const auto two = store::list_runs(db, 2);
  ASSERT_EQ(two.size(), 2U);
  EXPECT_EQ(two[1].command, "scan");
  EXPECT_EQ(store::list_runs(db, -1).size(), 3U);
  EXPECT_EQ(store::find_run(db, 99), std::nullopt);
}

TEST(Runs, DeadProcessOnThisHostReadsInterrupted) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto run_id = store::begin_run(db, "scan", "{}", "{}");
  auto update = db.prepare("UPDATE runs SET pid = ? WHERE id = ?");
  update.bind(1, static_cast<std::int64_t>(dead_pid())).bind(2, run_id);
  update.run();
  EXPECT_EQ(store::find_run(db, run_id)->status, "interrupted");
  EXPECT_EQ(store::list_runs(db)[0].status, "interrupted");
  // "interrupted" is computed, the stored status stays what the process left.
  auto stored = db.prepare("SELECT status FROM runs WHERE id = ?");
  stored.bind(1, run_id);
  ASSERT_TRUE(stored.step());
  EXPECT_EQ(stored.column_text(0), "running");
  // On another host the pid means nothing here, so the run cannot be judged.
  db.exec("UPDATE runs SET host = 'elsewhere.example'");
  EXPECT_EQ(store::find_run(db, run_id)->status, "running");
}

TEST(Runs, FinishingAnUnknownRunIsAnInternalError) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto error = test::expect_error([&] { store::finish_run(db, 7, 0); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("finish_run: no run with id 7"));
}

TEST(Runs, InvalidJsonArgumentsAreRefused) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto error = test::expect_error([&] { store::begin_run(db, "train", "{epochs:", "{}"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr("CHECK constraint failed"));
  EXPECT_TRUE(store::list_runs(db).empty());
}

TEST(Artifacts, RecordedInOrderPerRun) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto train = store::begin_run(db, "train", "{}", "{}");
  const auto scan = store::begin_run(db, "scan", "{}", "{}");
  store::record_artifact(db, {train, "dataset", "train", "data/imdb/train.csv", "aa11", R"({"rows":25000})"});
  store::record_artifact(db, {train, "model", "", "models/imdb.bin", "bb22"});
  store::record_artifact(db, {scan, "output", "uus", "out/uus.csv", "cc33"});

  const auto artifacts = store::list_artifacts(db, train);
  ASSERT_EQ(artifacts.size(), 2U);
  EXPECT_EQ(artifacts[0].run_id, train);
  EXPECT_EQ(artifacts[0].kind, "dataset");
  EXPECT_EQ(artifacts[0].role, "train");
  EXPECT_EQ(artifacts[0].path, "data/imdb/train.csv");
  EXPECT_EQ(artifacts[0].content_hash, "aa11");
  EXPECT_EQ(artifacts[0].details_json, R"({"rows":25000})");
  EXPECT_EQ(artifacts[1].kind, "model");
  EXPECT_EQ(artifacts[1].details_json, "{}");
  EXPECT_EQ(store::list_artifacts(db, scan).size(), 1U);
  EXPECT_TRUE(store::list_artifacts(db, 99).empty());
}

TEST(Metrics, UpsertKeepsFirstOrderAndLastValue) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto run_id = store::begin_run(db, "eval", "{}", "{}");
  store::record_metric(db, run_id, "test", "accuracy", 0.8);
  store::record_metric(db, run_id, "test", "macro_f1", 0.75);
  store::record_metric(db, run_id, "dev", "accuracy", 0.9);
  store::record_metric(db, run_id, "test", "accuracy", 0.87);
  store::record_metric(db, run_id, "test", "ece", std::nan(""));

  const auto metrics = store::list_metrics(db, run_id);
  ASSERT_EQ(metrics.size(), 4U);
  EXPECT_EQ(metrics[0].split, "test");
  EXPECT_EQ(metrics[0].name, "accuracy");
  EXPECT_DOUBLE_EQ(metrics[0].value, 0.87);
  EXPECT_EQ(metrics[1].name, "macro_f1");
  EXPECT_EQ(metrics[2].split, "dev");
  EXPECT_DOUBLE_EQ(metrics[2].value, 0.9);
  EXPECT_EQ(metrics[3].name, "ece");
  EXPECT_TRUE(std::isnan(metrics[3].value));
}

TEST(Predictions, RowsWrittenThroughStatementReadBack) {
  test::TempDir dir;
  auto db = Database::open(dir / "blindspot.db");
  const auto run_id = store::begin_run(db, "scan", "{}", "{}");
  db.transaction([&] {
    auto insert = db.prepare(
        "INSERT INTO predictions (run_id, split, row_index, line, true_label, predicted_label, confidence, "
        "probabilities) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (int row = 0; row < 3; ++row) {
      insert.bind(1, run_id).bind(2, "dev").bind(3, row).bind(4, row + 2).bind(5, "negative");
      insert.bind(6, row == 1 ? "positive" : "negative").bind(7, 0.6 + 0.1 * row).bind(8, "[0.4,0.6]");
      insert.run();
    }
    auto uu = db.prepare(
        "INSERT INTO uus (run_id, split, row_index, line, kind, text, true_label, predicted_label, confidence, "
        "probabilities) VALUES (?, 'dev', 1, 3, ?, ?, 'negative', 'positive', 0.7, '[0.3,0.7]')");
    uu.bind(1, run_id).bind(2, "natural").bind(3, "a fine film, if you like sleeping");
    uu.run();
    uu.bind(2, "adversarial").bind(3, "a fnie film, if you lkie sleeping");
    uu.run();
  });

  auto predictions = db.prepare(
      "SELECT row_index, line, predicted_label, confidence FROM predictions WHERE run_id = ? ORDER BY row_index");
  predictions.bind(1, run_id);
  for (int row = 0; row < 3; ++row) {
    ASSERT_TRUE(predictions.step());
    EXPECT_EQ(predictions.column_int64(0), row);
    EXPECT_EQ(predictions.column_int64(1), row + 2);
    EXPECT_EQ(predictions.column_text(2), row == 1 ? "positive" : "negative");
    EXPECT_DOUBLE_EQ(predictions.column_double(3), 0.6 + 0.1 * row);
  }
  EXPECT_FALSE(predictions.step());

  auto uus = db.prepare("SELECT kind, text FROM uus WHERE run_id = ? AND row_index = 1 ORDER BY kind");
  uus.bind(1, run_id);
  ASSERT_TRUE(uus.step());
  EXPECT_EQ(uus.column_text(0), "adversarial");
  EXPECT_EQ(uus.column_text(1), "a fnie film, if you lkie sleeping");
  ASSERT_TRUE(uus.step());
  EXPECT_EQ(uus.column_text(0), "natural");
  EXPECT_FALSE(uus.step());

  // The key is (run, split, row, kind): the same UU twice is a constraint error, not a silent copy.
  const auto error = test::expect_error([&] {
    db.exec("INSERT INTO uus VALUES (" + std::to_string(run_id) +
            ", 'dev', 1, 3, 'natural', 't', 'negative', 'positive', 0.7, '[0.3,0.7]')");
  });
  EXPECT_THAT(error.what(), HasSubstr("UNIQUE constraint failed: uus.run_id, uus.split, uus.row_index, uus.kind"));
}
