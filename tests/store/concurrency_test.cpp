// Several Database objects (threads) and several processes on one store file: WAL readers never
// block or fail, writers wait for each other, and a SIGKILLed writer leaves a consistent file.

#include "blindspot/store/runs.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace blindspot;
using store::Database;

namespace {

std::int64_t count_rows(Database& db, const std::string& table) {
  auto count = db.prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(count.step());
  return count.column_int64(0);
}

// Runs `work` in a forked child and never returns there: the exit status says whether it threw.
// _exit skips the parent's destructors (TempDir would delete the store) and gtest's bookkeeping.
pid_t fork_child(const std::function<void()>& work) {
  const pid_t child = fork();
  if (child != 0) return child;
  try {
    work();
  } catch (const std::exception& error) {
    std::cerr << "child " << getpid() << ": " << error.what() << std::endl;
    _exit(1);
  }
  _exit(0);
}

int wait_exit_code(pid_t child) {
  int status = 0;
  if (waitpid(child, &status, 0) != child) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void insert_prediction(Database& db, std::int64_t run_id, std::int64_t row) {
  auto insert = db.prepare(
      "INSERT INTO predictions (run_id, split, row_index, line, true_label, predicted_label, confidence, "
      "probabilities) VALUES (?, 'dev', ?, ?, 'negative', 'positive', 0.9, '[0.1,0.9]')");
  insert.bind(1, run_id).bind(2, row).bind(3, row + 2);
  insert.run();
}

}  // namespace

TEST(Concurrency, ReaderSeesMonotonicCountsWhileAWriterCommits) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  std::int64_t run_id = 0;
  {
    auto setup = Database::open(file);
    run_id = store::begin_run(setup, "scan", "{}", "{}");
  }
  constexpr int kTransactions = 400;
  constexpr int kRowsPerTransaction = 3;
  std::atomic<bool> writing{true};
  std::string writer_error;
  std::string reader_error;
  std::vector<std::int64_t> seen;

  std::thread writer([&] {
    try {
      auto db = Database::open(file);
      for (int transaction = 0; transaction < kTransactions; ++transaction) {
        db.transaction([&] {
          for (int row = 0; row < kRowsPerTransaction; ++row) {
            insert_prediction(db, run_id, transaction * kRowsPerTransaction + row);
          }
        });
      }
    } catch (const std::exception& error) {
      writer_error = error.what();
    }
    writing = false;
  });
  std::thread reader([&] {
    try {
      auto db = Database::open(file);
      auto count = db.prepare("SELECT count(*) FROM predictions");
      // One more read after the writer stopped, so even a reader scheduled late sees the end.
      for (bool last = false; !last;) {
        last = !writing;
        if (!count.step()) throw std::runtime_error("count returned no row");
        seen.push_back(count.column_int64(0));
        count.reset();
      }
    } catch (const std::exception& error) {
      reader_error = error.what();
    }
  });
  writer.join();
  reader.join();

  EXPECT_EQ(writer_error, "");
  EXPECT_EQ(reader_error, "");
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  // A reader sees whole transactions only.
  for (const auto count : seen) EXPECT_EQ(count % kRowsPerTransaction, 0) << count;
  EXPECT_EQ(seen.back(), kTransactions * kRowsPerTransaction);
  auto db = Database::open(file);
  EXPECT_EQ(count_rows(db, "predictions"), kTransactions * kRowsPerTransaction);
}

TEST(Concurrency, TwoProcessesWritingAFreshFileLoseNothing) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  constexpr int kRunsPerProcess = 150;
  // Both children block on the pipe until the parent closes it, so they open the fresh file (and
  // race for its migration) and write at the same moment.
  int start[2];
  ASSERT_EQ(pipe(start), 0);
  const auto writer = [&] {
    close(start[1]);
    char byte = 0;
    if (read(start[0], &byte, 1) != 0) throw std::runtime_error("start pipe misbehaved");
    auto db = Database::open(file);
    for (int run = 0; run < kRunsPerProcess; ++run) {
      const auto run_id = store::begin_run(db, "scan", R"({"run":)" + std::to_string(run) + "}", "{}");
      store::record_metric(db, run_id, "dev", "accuracy", 0.5);
      store::finish_run(db, run_id, 0);
    }
  };
  const pid_t first = fork_child(writer);
  const pid_t second = fork_child(writer);
  close(start[0]);
  close(start[1]);
  EXPECT_EQ(wait_exit_code(first), 0);
  EXPECT_EQ(wait_exit_code(second), 0);

  auto db = Database::open(file);
  EXPECT_EQ(db.schema_version(), 8);
  EXPECT_EQ(count_rows(db, "runs"), 2 * kRunsPerProcess);
  EXPECT_EQ(count_rows(db, "metrics"), 2 * kRunsPerProcess);
  for (const pid_t child : {first, second}) {
    auto per_process = db.prepare("SELECT count(*) FROM runs WHERE pid = ? AND status = 'ok' AND exit_code = 0");
    per_process.bind(1, static_cast<std::int64_t>(child));
    ASSERT_TRUE(per_process.step());
    EXPECT_EQ(per_process.column_int64(0), kRunsPerProcess);
  }
}

TEST(Concurrency, KilledWriterLeavesCommittedRowsAndAnInterruptedRun) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  Database::open(file);  // created and migrated before the child starts
  int progress[2];
  ASSERT_EQ(pipe(progress), 0);
  // The child reports each committed transaction's number on the pipe and writes forever; each
  // transaction writes one row to predictions and one to uus, so a torn one would show.
  const pid_t child = fork_child([&] {
    close(progress[0]);
    auto db = Database::open(file);
    const auto run_id = store::begin_run(db, "scan", "{}", "{}");
    for (std::int64_t row = 0;; ++row) {
      db.transaction([&] {
        insert_prediction(db, run_id, row);
        auto uu = db.prepare(
            "INSERT INTO uus (run_id, split, row_index, line, kind, text, true_label, predicted_label, "
            "confidence, probabilities) VALUES (?, 'dev', ?, 0, 'natural', 'text', 'a', 'b', 0.9, '[0.1,0.9]')");
        uu.bind(1, run_id).bind(2, row);
        uu.run();
      });
      if (write(progress[1], &row, sizeof row) != sizeof row) throw std::runtime_error("progress pipe closed");
    }
  });
  close(progress[1]);
  std::int64_t committed = -1;
  while (committed < 300) {
    ASSERT_EQ(read(progress[0], &committed, sizeof committed), static_cast<ssize_t>(sizeof committed));
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  EXPECT_EQ(wait_exit_code(child), 128 + SIGKILL);  // reaped, so the pid is really gone
  close(progress[0]);

  auto db = Database::open(file);
  auto integrity = db.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(integrity.step());
  EXPECT_EQ(integrity.column_text(0), "ok");
  const auto predictions = count_rows(db, "predictions");
  EXPECT_GT(predictions, committed);  // rows 0..committed were reported committed
  EXPECT_EQ(count_rows(db, "uus"), predictions);
  auto highest = db.prepare("SELECT max(row_index) FROM predictions");
  ASSERT_TRUE(highest.step());
  EXPECT_EQ(highest.column_int64(0), predictions - 1);  // no gaps: a prefix of whole transactions

  const auto runs = store::list_runs(db);
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].pid, child);
  EXPECT_EQ(runs[0].status, "interrupted");
  EXPECT_EQ(runs[0].ended_at, std::nullopt);
}
