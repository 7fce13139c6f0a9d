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

// Version 4: the LLM cache and ledger. One row per chat-completions reply, keyed by the hash
// of everything that determines it (llm/chat.hpp, cache_key()), so a rerun finds it instead of
// paying again; run_id is the run that paid for it. llm_usage records every use of a reply by a
// run, cached or not, so each run's LLM work can be counted.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE llm_calls (
  key TEXT PRIMARY KEY,
  run_id INTEGER NOT NULL,
  base_url TEXT NOT NULL,
  model TEXT NOT NULL,
  request TEXT NOT NULL CHECK (json_valid(request)),
  response TEXT NOT NULL,
  content TEXT NOT NULL,
  finish_reason TEXT NOT NULL,
  structured INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  cost_usd REAL,
  attempts INTEGER NOT NULL,
  latency_seconds REAL NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX llm_calls_by_run ON llm_calls (run_id);
CREATE TABLE llm_usage (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  cached INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
);
)sql";

// Version 5: what teachers produced. Hypotheses (abstraction, extrapolation) and generated
// samples with the filter verdict and its reason, each with its teacher, prompt version and
// provenance, under the run that produced them.
constexpr std::string_view kVersion5 = R"sql(
CREATE TABLE hypotheses (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  task TEXT NOT NULL,
  uu_id TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  blind_spot INTEGER NOT NULL,
  teacher TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  text TEXT NOT NULL,
  reasoning TEXT NOT NULL,
  details TEXT NOT NULL CHECK (json_valid(details)),
  provenance TEXT NOT NULL CHECK (json_valid(provenance)),
  PRIMARY KEY (run_id, id)
);
CREATE TABLE samples (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  hypothesis_id TEXT NOT NULL,
  teacher TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  text TEXT NOT NULL,
  label TEXT NOT NULL,
  reasoning TEXT NOT NULL,
  accepted INTEGER NOT NULL,
  rejection TEXT NOT NULL,
  rejection_detail TEXT NOT NULL,
  provenance TEXT NOT NULL CHECK (json_valid(provenance)),
  PRIMARY KEY (run_id, id)
);
)sql";

// Version 6: the steps of `blindspot run` (the mitigation loop). A loop is identified by the
// hash of everything that determines its results; a step is done once its row exists and its
// output files still have the recorded hashes, so a rerun skips it.
constexpr std::string_view kVersion6 = R"sql(
CREATE TABLE loop_steps (
  loop_key TEXT NOT NULL,
  step TEXT NOT NULL,
  run_id INTEGER NOT NULL,
  outputs TEXT NOT NULL CHECK (json_valid(outputs)),
  seconds REAL NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (loop_key, step)
);
)sql";

// Version 7: annotation campaigns of human teachers (`blindspot serve`, docs/web.md). A campaign
// is a run (the run whose UUs are annotated) with a snapshot of its UUs; annotators hold only the
// SHA-256 of their invitation token; an assignment gives one UU to one annotator at most once
// (UNIQUE), and its submission is one row per assignment, written step by step.
constexpr std::string_view kVersion7 = R"sql(
CREATE TABLE campaigns (
  run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  labels TEXT NOT NULL CHECK (json_valid(labels)),
  source TEXT NOT NULL CHECK (json_valid(source)),
  created_at TEXT NOT NULL
);
CREATE TABLE campaign_uus (
  run_id INTEGER NOT NULL REFERENCES campaigns (run_id) ON DELETE CASCADE,
  uu_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  uu TEXT NOT NULL CHECK (json_valid(uu)),
  PRIMARY KEY (run_id, uu_id)
);
CREATE TABLE annotators (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  familiarity TEXT CHECK (familiarity IS NULL OR json_valid(familiarity)),
  completion_code TEXT,
  finished_at TEXT
);
CREATE INDEX annotators_by_run ON annotators (run_id);
CREATE TABLE web_sessions (
  token_sha256 TEXT PRIMARY KEY,
  annotator_id INTEGER NOT NULL REFERENCES annotators (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_unix REAL NOT NULL
);
CREATE INDEX web_sessions_by_annotator ON web_sessions (annotator_id);
CREATE TABLE assignments (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotators (id) ON DELETE CASCADE,
  uu_id TEXT NOT NULL,
  step TEXT NOT NULL,
  assigned_at TEXT NOT NULL,
  last_seen_unix REAL NOT NULL,
  pending_seconds REAL NOT NULL DEFAULT 0,
  released_at TEXT,
  submitted_at TEXT,
  UNIQUE (annotator_id, uu_id)
);
CREATE INDEX assignments_by_uu ON assignments (run_id, uu_id);
CREATE TABLE human_submissions (
  assignment_id INTEGER PRIMARY KEY REFERENCES assignments (id) ON DELETE CASCADE,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL,
  uu_id TEXT NOT NULL,
  abstraction TEXT NOT NULL DEFAULT '',
  abstraction_reasoning TEXT NOT NULL DEFAULT '',
  extrapolation TEXT NOT NULL DEFAULT '',
  extrapolation_reasoning TEXT NOT NULL DEFAULT '',
  samples TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(samples)),
  abstraction_seconds REAL NOT NULL DEFAULT 0,
  extrapolation_seconds REAL NOT NULL DEFAULT 0,
  generation_seconds REAL NOT NULL DEFAULT 0,
  active_seconds REAL NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  submitted_at TEXT
);
CREATE INDEX human_submissions_by_run ON human_submissions (run_id, uu_id, annotator_id);
)sql";

// Version 8: the annotation app of issue 14. The address a campaign was last served at, so
// `annotators add` in another process makes links that reach it; the annotator's verdict on a UU
// flagged as a probable label error; every score the campaign's model gave a text an annotator
// wrote (live feedback), of which the submission keeps the last one per sample text.
constexpr std::string_view kVersion8 = R"sql(
ALTER TABLE campaigns ADD COLUMN serve_url TEXT;
ALTER TABLE human_submissions ADD COLUMN label_verdict TEXT NOT NULL DEFAULT '';
CREATE TABLE model_feedback (
  id INTEGER PRIMARY KEY,
  assignment_id INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  label TEXT NOT NULL,
  probability REAL NOT NULL,
  created_unix REAL NOT NULL
);
CREATE INDEX model_feedback_by_assignment ON model_feedback (assignment_id);
)sql";

constexpr std::array<std::string_view, 8> kMigrations = {kVersion1, kVersion2, kVersion3, kVersion4,
                                                         kVersion5, kVersion6, kVersion7, kVersion8};

}  // namespace

std::span<const std::string_view> migrations() noexcept { return kMigrations; }

}  // namespace blindspot::store::detail
