#include "migrations.hpp"

#include <array>

namespace blindspot::store::detail {
namespace {

// Version 1: runs and what they produced. JSON columns are checked with json_valid() so a reader
// never meets a half-written document; enumerations (status, kind) are deliberately not CHECKed,
// because SQLite cannot alter a CHECK without rebuilding the table.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
  arguments TEXT NOT NULL CHECK (json_valid(arguments)),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  status TEXT NOT NULL,
  error TEXT,
  versions TEXT NOT NULL CHECK (json_valid(versions))
);
CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  role TEXT NOT NULL,
  path TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);
CREATE TABLE predictions (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  row_index INTEGER NOT NULL,
  line INTEGER NOT NULL,
  true_label TEXT NOT NULL,
  predicted_label TEXT NOT NULL,
  confidence REAL NOT NULL,
  probabilities TEXT NOT NULL CHECK (json_valid(probabilities)),
  PRIMARY KEY (run_id, split, row_index)
);
CREATE TABLE uus (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  row_index INTEGER NOT NULL,
  line INTEGER NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  true_label TEXT NOT NULL,
  predicted_label TEXT NOT NULL,
  confidence REAL NOT NULL,
  probabilities TEXT NOT NULL CHECK (json_valid(probabilities)),
  PRIMARY KEY (run_id, split, row_index, kind)
);
)sql";

// Version 2: who ran a run (so a killed process can be told from a live one) and its exit code;
// named metrics, whose value is NULL when undefined (SQLite stores a NaN as NULL). Indexes:
// artifacts by run (listing, and ON DELETE CASCADE would otherwise scan the table), artifacts by
// hash ("which run produced or used this model?"), runs by command ("the latest train run").
constexpr std::string_view kVersion2 = R"sql(
ALTER TABLE runs ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN exit_code INTEGER;
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  name TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, split, name)
);
CREATE INDEX artifacts_by_run ON artifacts (run_id);
CREATE INDEX artifacts_by_hash ON artifacts (content_hash);
CREATE INDEX runs_by_command ON runs (command, id);
)sql";

// Version 3: one row per attacked example of an adversarial attack (`blindspot attack`, the
// adversarial UU metric of `eval`), successful or not, so that every outcome is auditable.
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE attacks (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  row_index INTEGER NOT NULL,
  recipe TEXT NOT NULL,
  outcome TEXT NOT NULL,
  true_label TEXT NOT NULL,
  final_label TEXT NOT NULL,
  final_confidence REAL NOT NULL,
  queries INTEGER NOT NULL,
  levenshtein INTEGER NOT NULL,
  original_text TEXT NOT NULL,
  perturbed_text TEXT NOT NULL,
  marked_text TEXT NOT NULL,
  original_probabilities TEXT NOT NULL CHECK (json_valid(original_probabilities)),
  final_probabilities TEXT NOT NULL CHECK (json_valid(final_probabilities)),
  edits TEXT NOT NULL CHECK (json_valid(edits)),
  PRIMARY KEY (run_id, split, row_index, recipe)
);
)sql";

constexpr std::array<std::string_view, 3> kMigrations = {kVersion1, kVersion2, kVersion3};

}  // namespace

std::span<const std::string_view> migrations() noexcept { return kMigrations; }

}  // namespace blindspot::store::detail
