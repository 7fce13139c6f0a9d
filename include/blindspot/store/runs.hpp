#pragma once

#include "blindspot/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::store {

// Now, in UTC, ISO 8601 with seconds ("2026-11-29T21:52:52Z"): sorts as text and reads the same
// in every time zone. Every timestamp in the store has this form.
std::string utc_timestamp();

// One invocation of a blindspot command, as recorded in the store.
struct RunRecord {
  std::int64_t id = 0;
  std::string command;         // "train", "scan", ...
  std::string arguments_json;  // the effective options, a JSON object
  std::string started_at;      // UTC, ISO 8601
  std::optional<std::string> ended_at;
  // "running", "ok", "failed"; a "running" run whose process is gone reads "interrupted".
  std::string status;
  std::optional<std::string> error;
  std::optional<int> exit_code;
  std::string versions_json;   // {"blindspot":..,"fasttext":..,"sqlite":..}
  std::int64_t pid = 0;
  std::string host;
};

// Records the start of a run (status "running", started_at now in UTC, this process's pid and
// host) and returns its id. Throws Error{io} (also if a JSON argument is not valid JSON).
std::int64_t begin_run(Database& db, const std::string& command, const std::string& arguments_json,
                       const std::string& versions_json);
// Marks a run finished: status "ok" when exit_code is 0, else "failed" with `error` (an empty
// error is stored as NULL). Throws Error{internal} if no run has `run_id`, Error{io} on SQLite errors.
void finish_run(Database& db, std::int64_t run_id, int exit_code, const std::string& error = {});

// Newest first, at most `limit` runs (a negative limit lists all).
std::vector<RunRecord> list_runs(Database& db, int limit = 50);
std::optional<RunRecord> find_run(Database& db, std::int64_t run_id);

// An artefact a run produced or read, e.g. ("dataset", "train", path, sha256) or
// ("model", "", path, sha256), with free-form JSON details.
struct ArtifactRecord {
  std::int64_t run_id = 0;
  std::string kind;  // "dataset", "model", "output"
  std::string role;  // "train", "dev", "test", "uus", ...
  std::string path;
  std::string content_hash;
  std::string details_json = "{}";
};
void record_artifact(Database& db, const ArtifactRecord& artifact);
// In recording order.
std::vector<ArtifactRecord> list_artifacts(Database& db, std::int64_t run_id);

// Named scalar results of a run ("test", "accuracy", 0.87). Recording a (split, name) again
// replaces its value; a NaN (undefined metric) reads back as NaN.
void record_metric(Database& db, std::int64_t run_id, const std::string& split, const std::string& name,
                   double value);
struct MetricRecord {
  std::string split;
  std::string name;
  double value = 0;
};
// In first-recorded order.
std::vector<MetricRecord> list_metrics(Database& db, std::int64_t run_id);

}  // namespace blindspot::store
