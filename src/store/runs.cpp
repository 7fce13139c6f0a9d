#include "blindspot/store/runs.hpp"

#include "blindspot/core/error.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <limits>

#include <sys/types.h>
#include <unistd.h>

namespace blindspot::store {
namespace {

constexpr const char* kRunColumns =
    "SELECT id, command, arguments, started_at, ended_at, status, error, exit_code, versions, pid, host FROM runs ";

std::string this_host() {
  // 255 bytes is POSIX's HOST_NAME_MAX bound; gethostname may not terminate a truncated name.
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return {};
  return std::string(name.data());
}

// kill(pid, 0) checks existence without sending anything; EPERM means alive under another user.
bool process_gone(std::int64_t pid) {
  if (pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

RunRecord read_run(const Statement& row, const std::string& host) {
  RunRecord run;
  run.id = row.column_int64(0);
  run.command = row.column_text(1);
  run.arguments_json = row.column_text(2);
  run.started_at = row.column_text(3);
  run.ended_at = row.column_optional_text(4);
  run.status = row.column_text(5);
  run.error = row.column_optional_text(6);
  if (!row.is_null(7)) run.exit_code = static_cast<int>(row.column_int64(7));
  run.versions_json = row.column_text(8);
  run.pid = row.column_int64(9);
  run.host = row.column_text(10);
  // A run still "running" whose process has died was killed before finish_run. Only a process on
  // this host can be checked; elsewhere (or for rows from before pids were stored) it stays "running".
  if (run.status == "running" && !run.host.empty() && run.host == host && process_gone(run.pid)) {
    run.status = "interrupted";
  }
  return run;
}

}  // namespace

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  std::array<char, 32> text{};
  const std::size_t size = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(text.data(), size);
}

std::int64_t begin_run(Database& db, const std::string& command, const std::string& arguments_json,
                       const std::string& versions_json) {
  auto insert = db.prepare(
      "INSERT INTO runs (command, arguments, started_at, status, versions, pid, host) "
      "VALUES (?, ?, ?, 'running', ?, ?, ?) RETURNING id");
  insert.bind(1, command)
      .bind(2, arguments_json)
      .bind(3, utc_timestamp())
      .bind(4, versions_json)
      .bind(5, static_cast<std::int64_t>(getpid()))
      .bind(6, this_host());
  insert.step();
  const std::int64_t run_id = insert.column_int64(0);
  insert.run();
  return run_id;
}

void finish_run(Database& db, std::int64_t run_id, int exit_code, const std::string& error) {
  auto update = db.prepare(
      "UPDATE runs SET ended_at = ?, exit_code = ?, status = ?, error = ? WHERE id = ? RETURNING id");
  update.bind(1, utc_timestamp()).bind(2, exit_code).bind(3, exit_code == 0 ? "ok" : "failed").bind(5, run_id);
  if (error.empty()) {
    update.bind_null(4);
  } else {
    update.bind(4, error);
  }
  const bool found = update.step();
  update.run();
  if (!found) {
    throw core::Error(core::ErrorKind::internal, "finish_run: no run with id " + std::to_string(run_id),
                      core::InputLocation{db.file(), 0, {}});
  }
}

std::vector<RunRecord> list_runs(Database& db, int limit) {
  auto select = db.prepare(std::string(kRunColumns) + "ORDER BY id DESC LIMIT ?");
  // SQLite reads a negative LIMIT as "no limit".
  select.bind(1, limit);
  const std::string host = this_host();
  std::vector<RunRecord> runs;
  while (select.step()) runs.push_back(read_run(select, host));
  return runs;
}

std::optional<RunRecord> find_run(Database& db, std::int64_t run_id) {
  auto select = db.prepare(std::string(kRunColumns) + "WHERE id = ?");
  select.bind(1, run_id);
  if (!select.step()) return std::nullopt;
  return read_run(select, this_host());
}

void record_artifact(Database& db, const ArtifactRecord& artifact) {
  auto insert = db.prepare(
      "INSERT INTO artifacts (run_id, kind, role, path, content_hash, details) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, artifact.run_id)
      .bind(2, artifact.kind)
      .bind(3, artifact.role)
      .bind(4, artifact.path)
      .bind(5, artifact.content_hash)
      .bind(6, artifact.details_json);
  insert.run();
}

std::vector<ArtifactRecord> list_artifacts(Database& db, std::int64_t run_id) {
  auto select = db.prepare(
      "SELECT run_id, kind, role, path, content_hash, details FROM artifacts WHERE run_id = ? ORDER BY id");
  select.bind(1, run_id);
  std::vector<ArtifactRecord> artifacts;
  while (select.step()) {
    artifacts.push_back(ArtifactRecord{select.column_int64(0), select.column_text(1), select.column_text(2),
                                       select.column_text(3), select.column_text(4), select.column_text(5)});
  }
  return artifacts;
}

void record_metric(Database& db, std::int64_t run_id, const std::string& split, const std::string& name,
                   double value) {
  auto upsert = db.prepare(
      "INSERT INTO metrics (run_id, split, name, value) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (run_id, split, name) DO UPDATE SET value = excluded.value");
  upsert.bind(1, run_id).bind(2, split).bind(3, name).bind(4, value);
  upsert.run();
}

std::vector<MetricRecord> list_metrics(Database& db, std::int64_t run_id) {
  // rowid order is first-recorded order (an upsert keeps the row), which is how a run reports them.
  auto select = db.prepare("SELECT split, name, value FROM metrics WHERE run_id = ? ORDER BY rowid");
  select.bind(1, run_id);
  std::vector<MetricRecord> metrics;
  while (select.step()) {
    // NULL is how SQLite stored a NaN (an undefined metric, e.g. F1 of an absent class).
    const double value = select.is_null(2) ? std::numeric_limits<double>::quiet_NaN() : select.column_double(2);
    metrics.push_back(MetricRecord{select.column_text(0), select.column_text(1), value});
  }
  return metrics;
}

}  // namespace blindspot::store
