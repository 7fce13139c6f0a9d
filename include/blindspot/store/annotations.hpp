#pragma once

#include "blindspot/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Data access for annotation campaigns of human teachers (schema v7 and v8, docs/store.md): campaigns
// and their UU snapshots, annotators, web sessions, assignments and submissions. The web app
// writes these rows; the human teacher and `blindspot export` read them. Like the rest of the
// store it knows tables, not what a UU is: a UU is an id and an opaque JSON document.
// Every function throws Error{io} naming the database file on SQLite errors.
namespace blindspot::store {

// ---- campaigns ---------------------------------------------------------------------------------

// A campaign is identified by a run: the run whose UUs are annotated.
struct CampaignRecord {
  std::int64_t run_id = 0;
  std::string labels_json;  // the task's labels, a JSON array in label order
  std::string source_json;  // where the UUs came from: {"run":N} or {"file":..,"sha256":..}
  std::string created_at;
  // The public address the campaign was last served at ("https://annotate.example.org"), which
  // invitation links start with; nullopt until a `serve` recorded one.
  std::optional<std::string> serve_url;
};

// One UU of a campaign, in serving order.
struct CampaignItem {
  std::string uu_id;
  std::string uu_json;
};

// Stores a campaign and its items (position = index in `items`) in one transaction. Throws
// Error{bad_input} if the run already holds a campaign.
void create_campaign(Database& db, const CampaignRecord& campaign, const std::vector<CampaignItem>& items);
std::optional<CampaignRecord> find_campaign(Database& db, std::int64_t run_id);
// In position order.
std::vector<CampaignItem> list_campaign_items(Database& db, std::int64_t run_id);
std::optional<CampaignItem> find_campaign_item(Database& db, std::int64_t run_id, const std::string& uu_id);
// Records the address the campaign is served at (each `serve` overwrites it). Throws
// Error{bad_input} if the run holds no campaign.
void set_campaign_serve_url(Database& db, std::int64_t run_id, const std::string& url);

// ---- annotators --------------------------------------------------------------------------------

struct AnnotatorRecord {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  std::string name;
  std::string created_at;
  std::optional<std::string> revoked_at;
  std::optional<std::string> familiarity_json;  // the questionnaire's answers, once given
  std::optional<std::string> completion_code;
  std::optional<std::string> finished_at;
};

// Adds an invited annotator to the campaign of `run_id`; `token_sha256` is the hex SHA-256 of
// the invitation token (the token itself is never stored). Returns the annotator's id.
std::int64_t add_annotator(Database& db, std::int64_t run_id, const std::string& name, const std::string& token_sha256);
std::optional<AnnotatorRecord> find_annotator(Database& db, std::int64_t id);
// Revoked annotators are found too (check revoked_at).
std::optional<AnnotatorRecord> find_annotator_by_token(Database& db, const std::string& token_sha256);
// In id order.
std::vector<AnnotatorRecord> list_annotators(Database& db, std::int64_t run_id);
// Marks the annotator revoked and deletes its sessions. False if no such annotator or already revoked.
bool revoke_annotator(Database& db, std::int64_t id);
void set_familiarity(Database& db, std::int64_t annotator_id, const std::string& familiarity_json);
// Records the completion code and finish time the first time; returns the stored code.
std::string finish_annotator(Database& db, std::int64_t annotator_id, const std::string& completion_code);

// ---- sessions ----------------------------------------------------------------------------------

struct SessionRecord {
  std::string token_sha256;
  std::int64_t annotator_id = 0;
  std::string csrf_token;
  double expires_unix = 0;
};

void create_session(Database& db, const SessionRecord& session);
// The session if it exists, has not expired at `now_unix` and its annotator is not revoked.
std::optional<SessionRecord> find_live_session(Database& db, const std::string& token_sha256, double now_unix);
// Deletes sessions that expired before `now_unix`; returns how many.
int delete_expired_sessions(Database& db, double now_unix);

// ---- assignments -------------------------------------------------------------------------------

struct AssignmentRecord {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  std::int64_t annotator_id = 0;
  std::string uu_id;
  std::string step;  // the task step the annotator is on ("abstraction", ...), "done" once submitted
  std::string assigned_at;
  double last_seen_unix = 0;   // the last server-seen event of this assignment
  double pending_seconds = 0;  // active time of the current step so far
  std::optional<std::string> released_at;
  std::optional<std::string> submitted_at;
};

// How much of the campaign a UU has been given out, seen from one annotator.
struct UuCoverage {
  std::string uu_id;
  std::int64_t position = 0;
  std::int64_t active = 0;         // assignments not released (in progress or submitted)
  bool seen_by_annotator = false;  // any assignment of this annotator, released or not
};

std::optional<AssignmentRecord> find_assignment(Database& db, std::int64_t id);
// The annotator's assignment that is neither released nor submitted, if any (the oldest).
std::optional<AssignmentRecord> open_assignment(Database& db, std::int64_t annotator_id);
// Releases the campaign's open assignments last seen before `seen_before_unix`; returns how many.
int release_stale_assignments(Database& db, std::int64_t run_id, double seen_before_unix, const std::string& now);
// Every campaign UU, in position order.
std::vector<UuCoverage> uu_coverage(Database& db, std::int64_t run_id, std::int64_t annotator_id);
// Inserts an assignment on its first step; returns its id. Throws Error{io} (UNIQUE) if the
// annotator already had this UU.
std::int64_t insert_assignment(Database& db, const AssignmentRecord& assignment);
// Writes step, last_seen_unix, pending_seconds and submitted_at of an assignment.
void update_assignment(Database& db, const AssignmentRecord& assignment);
// Submitted assignments of an annotator.
std::int64_t count_submitted(Database& db, std::int64_t annotator_id);

// ---- submissions -------------------------------------------------------------------------------

// What an annotator wrote for one assignment, one row per assignment, written step by step.
struct SubmissionRecord {
  std::int64_t assignment_id = 0;
  std::int64_t run_id = 0;
  std::int64_t annotator_id = 0;
  std::string uu_id;
  std::string abstraction;
  std::string abstraction_reasoning;
  std::string extrapolation;
  std::string extrapolation_reasoning;
  std::string samples_json = "[]";  // [{"text","label","reasoning"}]
  double abstraction_seconds = 0;   // active time per task (docs/web.md)
  double extrapolation_seconds = 0;
  double generation_seconds = 0;
  double active_seconds = 0;  // their sum
  // For a UU flagged as a probable label error: the annotator's verdict on its label ("right",
  // "wrong", "unsure"); "" when the UU was not flagged.
  std::string label_verdict;
  std::string updated_at;
  std::optional<std::string> submitted_at;  // set once all three tasks are done
};

// Inserts or replaces the row of `submission.assignment_id`.
void save_submission(Database& db, const SubmissionRecord& submission);
std::optional<SubmissionRecord> find_submission(Database& db, std::int64_t assignment_id);
// The campaign's submissions ordered by UU id then annotator id; only complete ones unless
// `include_incomplete`.
std::vector<SubmissionRecord> list_submissions(Database& db, std::int64_t run_id, bool include_incomplete = false);

// ---- live model feedback -----------------------------------------------------------------------

// A score the campaign's model gave a text an annotator wrote on an assignment's generation step.
struct ModelFeedbackRecord {
  std::int64_t assignment_id = 0;
  std::string text;
  std::string label;         // the model's label for the text
  double probability = 0;    // its probability
  double created_unix = 0;
};

void add_model_feedback(Database& db, const ModelFeedbackRecord& feedback);
// The last score the assignment's annotator saw for exactly this text, if any.
std::optional<ModelFeedbackRecord> latest_model_feedback(Database& db, std::int64_t assignment_id,
                                                         const std::string& text);

}  // namespace blindspot::store
