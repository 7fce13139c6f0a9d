#include "blindspot/store/annotations.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/runs.hpp"

namespace blindspot::store {
namespace {

using core::Error;
using core::ErrorKind;

constexpr const char* kAnnotatorColumns =
    "SELECT id, run_id, name, created_at, revoked_at, familiarity, completion_code, finished_at FROM annotators ";
constexpr const char* kAssignmentColumns =
    "SELECT id, run_id, annotator_id, uu_id, step, assigned_at, last_seen_unix, pending_seconds, released_at, "
    "submitted_at FROM assignments ";
constexpr const char* kSubmissionColumns =
    "SELECT assignment_id, run_id, annotator_id, uu_id, abstraction, abstraction_reasoning, extrapolation, "
    "extrapolation_reasoning, samples, abstraction_seconds, extrapolation_seconds, generation_seconds, "
    "active_seconds, updated_at, submitted_at, label_verdict FROM human_submissions ";

AnnotatorRecord read_annotator(const Statement& row) {
  AnnotatorRecord a;
  a.id = row.column_int64(0);
  a.run_id = row.column_int64(1);
  a.name = row.column_text(2);
  a.created_at = row.column_text(3);
  a.revoked_at = row.column_optional_text(4);
  a.familiarity_json = row.column_optional_text(5);
  a.completion_code = row.column_optional_text(6);
  a.finished_at = row.column_optional_text(7);
  return a;
}

AssignmentRecord read_assignment(const Statement& row) {
  AssignmentRecord a;
  a.id = row.column_int64(0);
  a.run_id = row.column_int64(1);
  a.annotator_id = row.column_int64(2);
  a.uu_id = row.column_text(3);
  a.step = row.column_text(4);
  a.assigned_at = row.column_text(5);
  a.last_seen_unix = row.column_double(6);
  a.pending_seconds = row.column_double(7);
  a.released_at = row.column_optional_text(8);
  a.submitted_at = row.column_optional_text(9);
  return a;
}

SubmissionRecord read_submission(const Statement& row) {
  SubmissionRecord s;
  s.assignment_id = row.column_int64(0);
  s.run_id = row.column_int64(1);
  s.annotator_id = row.column_int64(2);
  s.uu_id = row.column_text(3);
  s.abstraction = row.column_text(4);
  s.abstraction_reasoning = row.column_text(5);
  s.extrapolation = row.column_text(6);
  s.extrapolation_reasoning = row.column_text(7);
  s.samples_json = row.column_text(8);
  s.abstraction_seconds = row.column_double(9);
  s.extrapolation_seconds = row.column_double(10);
  s.generation_seconds = row.column_double(11);
  s.active_seconds = row.column_double(12);
  s.updated_at = row.column_text(13);
  s.submitted_at = row.column_optional_text(14);
  s.label_verdict = row.column_text(15);
  return s;
}

void bind_optional(Statement& statement, int index, const std::optional<std::string>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind_null(index);
  }
}

}  // namespace

void create_campaign(Database& db, const CampaignRecord& campaign, const std::vector<CampaignItem>& items) {
  db.transaction([&] {
    if (find_campaign(db, campaign.run_id)) {
      throw Error(ErrorKind::bad_input, "run " + std::to_string(campaign.run_id) + " already holds a campaign");
    }
    auto insert = db.prepare("INSERT INTO campaigns (run_id, labels, source, created_at) VALUES (?, ?, ?, ?)");
    insert.bind(1, campaign.run_id)
        .bind(2, campaign.labels_json)
        .bind(3, campaign.source_json)
        .bind(4, campaign.created_at.empty() ? utc_timestamp() : campaign.created_at)
        .run();
    auto item = db.prepare("INSERT INTO campaign_uus (run_id, uu_id, position, uu) VALUES (?, ?, ?, ?)");
    for (std::size_t i = 0; i < items.size(); ++i) {
      item.reset();
      item.bind(1, campaign.run_id)
          .bind(2, items[i].uu_id)
          .bind(3, static_cast<std::int64_t>(i))
          .bind(4, items[i].uu_json)
          .run();
    }
  });
}

std::optional<CampaignRecord> find_campaign(Database& db, std::int64_t run_id) {
  auto query = db.prepare("SELECT run_id, labels, source, created_at, serve_url FROM campaigns WHERE run_id = ?");
  query.bind(1, run_id);
  if (!query.step()) return std::nullopt;
  return CampaignRecord{query.column_int64(0), query.column_text(1), query.column_text(2), query.column_text(3),
                        query.column_optional_text(4)};
}

void set_campaign_serve_url(Database& db, std::int64_t run_id, const std::string& url) {
  auto update = db.prepare("UPDATE campaigns SET serve_url = ? WHERE run_id = ? RETURNING run_id");
  update.bind(1, url).bind(2, run_id);
  if (!update.step()) {
    throw Error(ErrorKind::bad_input, "run " + std::to_string(run_id) + " holds no campaign in " + db.file().string());
  }
  update.run();
}

std::vector<CampaignItem> list_campaign_items(Database& db, std::int64_t run_id) {
  auto query = db.prepare("SELECT uu_id, uu FROM campaign_uus WHERE run_id = ? ORDER BY position");
  query.bind(1, run_id);
  std::vector<CampaignItem> items;
  while (query.step()) items.push_back({query.column_text(0), query.column_text(1)});
  return items;
}

std::optional<CampaignItem> find_campaign_item(Database& db, std::int64_t run_id, const std::string& uu_id) {
  auto query = db.prepare("SELECT uu_id, uu FROM campaign_uus WHERE run_id = ? AND uu_id = ?");
  query.bind(1, run_id).bind(2, uu_id);
  if (!query.step()) return std::nullopt;
  return CampaignItem{query.column_text(0), query.column_text(1)};
}

std::int64_t add_annotator(Database& db, std::int64_t run_id, const std::string& name,
                           const std::string& token_sha256) {
  auto insert =
      db.prepare("INSERT INTO annotators (run_id, name, token_sha256, created_at) VALUES (?, ?, ?, ?) RETURNING id");
  insert.bind(1, run_id).bind(2, name).bind(3, token_sha256).bind(4, utc_timestamp());
  insert.step();
  const std::int64_t id = insert.column_int64(0);
  insert.run();
  return id;
}

std::optional<AnnotatorRecord> find_annotator(Database& db, std::int64_t id) {
  auto query = db.prepare(std::string(kAnnotatorColumns) + "WHERE id = ?");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_annotator(query);
}

std::optional<AnnotatorRecord> find_annotator_by_token(Database& db, const std::string& token_sha256) {
  auto query = db.prepare(std::string(kAnnotatorColumns) + "WHERE token_sha256 = ?");
  query.bind(1, token_sha256);
  if (!query.step()) return std::nullopt;
  return read_annotator(query);
}

std::vector<AnnotatorRecord> list_annotators(Database& db, std::int64_t run_id) {
  auto query = db.prepare(std::string(kAnnotatorColumns) + "WHERE run_id = ? ORDER BY id");
  query.bind(1, run_id);
  std::vector<AnnotatorRecord> out;
  while (query.step()) out.push_back(read_annotator(query));
  return out;
}

bool revoke_annotator(Database& db, std::int64_t id) {
  bool revoked = false;
  db.transaction([&] {
    auto update = db.prepare("UPDATE annotators SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id");
    update.bind(1, utc_timestamp()).bind(2, id);
    revoked = update.step();
    update.reset();
    auto sessions = db.prepare("DELETE FROM web_sessions WHERE annotator_id = ?");
    sessions.bind(1, id).run();
  });
  return revoked;
}

void set_familiarity(Database& db, std::int64_t annotator_id, const std::string& familiarity_json) {
  auto update = db.prepare("UPDATE annotators SET familiarity = ? WHERE id = ?");
  update.bind(1, familiarity_json).bind(2, annotator_id).run();
}

std::string finish_annotator(Database& db, std::int64_t annotator_id, const std::string& completion_code) {
  std::string stored;
  db.transaction([&] {
    auto update = db.prepare(
        "UPDATE annotators SET completion_code = ?, finished_at = ? WHERE id = ? AND completion_code IS NULL");
    update.bind(1, completion_code).bind(2, utc_timestamp()).bind(3, annotator_id).run();
    auto query = db.prepare("SELECT completion_code FROM annotators WHERE id = ?");
    query.bind(1, annotator_id);
    if (!query.step()) {
      throw Error(ErrorKind::internal, "no annotator " + std::to_string(annotator_id) + " in " + db.file().string());
    }
    stored = query.column_text(0);
  });
  return stored;
}

void create_session(Database& db, const SessionRecord& session) {
  auto insert = db.prepare(
      "INSERT INTO web_sessions (token_sha256, annotator_id, csrf_token, created_at, expires_unix) "
      "VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, session.token_sha256)
      .bind(2, session.annotator_id)
      .bind(3, session.csrf_token)
      .bind(4, utc_timestamp())
      .bind(5, session.expires_unix)
      .run();
}

std::optional<SessionRecord> find_live_session(Database& db, const std::string& token_sha256, double now_unix) {
  auto query = db.prepare(
      "SELECT s.token_sha256, s.annotator_id, s.csrf_token, s.expires_unix FROM web_sessions s "
      "JOIN annotators a ON a.id = s.annotator_id WHERE s.token_sha256 = ? AND s.expires_unix > ? "
      "AND a.revoked_at IS NULL");
  query.bind(1, token_sha256).bind(2, now_unix);
  if (!query.step()) return std::nullopt;
  return SessionRecord{query.column_text(0), query.column_int64(1), query.column_text(2), query.column_double(3)};
}

int delete_expired_sessions(Database& db, double now_unix) {
  auto remove = db.prepare("DELETE FROM web_sessions WHERE expires_unix <= ? RETURNING 1");
  remove.bind(1, now_unix);
  int count = 0;
  while (remove.step()) ++count;
  return count;
}

std::optional<AssignmentRecord> find_assignment(Database& db, std::int64_t id) {
  auto query = db.prepare(std::string(kAssignmentColumns) + "WHERE id = ?");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_assignment(query);
}

std::optional<AssignmentRecord> open_assignment(Database& db, std::int64_t annotator_id) {
  auto query =
      db.prepare(std::string(kAssignmentColumns) +
                 "WHERE annotator_id = ? AND released_at IS NULL AND submitted_at IS NULL ORDER BY id LIMIT 1");
  query.bind(1, annotator_id);
  if (!query.step()) return std::nullopt;
  return read_assignment(query);
}

int release_stale_assignments(Database& db, std::int64_t run_id, double seen_before_unix, const std::string& now) {
  auto update = db.prepare(
      "UPDATE assignments SET released_at = ? WHERE run_id = ? AND released_at IS NULL AND submitted_at IS NULL "
      "AND last_seen_unix < ? RETURNING id");
  update.bind(1, now).bind(2, run_id).bind(3, seen_before_unix);
  int count = 0;
  while (update.step()) ++count;
  return count;
}

std::vector<UuCoverage> uu_coverage(Database& db, std::int64_t run_id, std::int64_t annotator_id) {
  auto query = db.prepare(
      "SELECT c.uu_id, c.position, "
      "(SELECT count(*) FROM assignments a WHERE a.run_id = c.run_id AND a.uu_id = c.uu_id AND a.released_at IS NULL), "
      "EXISTS (SELECT 1 FROM assignments m WHERE m.annotator_id = ? AND m.uu_id = c.uu_id) "
      "FROM campaign_uus c WHERE c.run_id = ? ORDER BY c.position");
  query.bind(1, annotator_id).bind(2, run_id);
  std::vector<UuCoverage> out;
  while (query.step()) {
    out.push_back({query.column_text(0), query.column_int64(1), query.column_int64(2), query.column_int64(3) != 0});
  }
  return out;
}

std::int64_t insert_assignment(Database& db, const AssignmentRecord& assignment) {
  auto insert = db.prepare(
      "INSERT INTO assignments (run_id, annotator_id, uu_id, step, assigned_at, last_seen_unix, pending_seconds) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  insert.bind(1, assignment.run_id)
      .bind(2, assignment.annotator_id)
      .bind(3, assignment.uu_id)
      .bind(4, assignment.step)
      .bind(5, assignment.assigned_at.empty() ? utc_timestamp() : assignment.assigned_at)
      .bind(6, assignment.last_seen_unix)
      .bind(7, assignment.pending_seconds);
  insert.step();
  const std::int64_t id = insert.column_int64(0);
  insert.run();
  return id;
}

void update_assignment(Database& db, const AssignmentRecord& assignment) {
  auto update = db.prepare(
      "UPDATE assignments SET step = ?, last_seen_unix = ?, pending_seconds = ?, submitted_at = ? WHERE id = ?");
  update.bind(1, assignment.step).bind(2, assignment.last_seen_unix).bind(3, assignment.pending_seconds);
  bind_optional(update, 4, assignment.submitted_at);
  update.bind(5, assignment.id).run();
}

std::int64_t count_submitted(Database& db, std::int64_t annotator_id) {
  auto query = db.prepare("SELECT count(*) FROM assignments WHERE annotator_id = ? AND submitted_at IS NOT NULL");
  query.bind(1, annotator_id);
  query.step();
  return query.column_int64(0);
}

void save_submission(Database& db, const SubmissionRecord& s) {
  auto upsert = db.prepare(
      "INSERT OR REPLACE INTO human_submissions (assignment_id, run_id, annotator_id, uu_id, abstraction, "
      "abstraction_reasoning, extrapolation, extrapolation_reasoning, samples, abstraction_seconds, "
      "extrapolation_seconds, generation_seconds, active_seconds, updated_at, submitted_at, label_verdict) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  upsert.bind(1, s.assignment_id)
      .bind(2, s.run_id)
      .bind(3, s.annotator_id)
      .bind(4, s.uu_id)
      .bind(5, s.abstraction)
      .bind(6, s.abstraction_reasoning)
      .bind(7, s.extrapolation)
      .bind(8, s.extrapolation_reasoning)
      .bind(9, s.samples_json)
      .bind(10, s.abstraction_seconds)
      .bind(11, s.extrapolation_seconds)
      .bind(12, s.generation_seconds)
      .bind(13, s.active_seconds)
      .bind(14, s.updated_at.empty() ? utc_timestamp() : s.updated_at);
  bind_optional(upsert, 15, s.submitted_at);
  upsert.bind(16, s.label_verdict);
  upsert.run();
}

std::optional<SubmissionRecord> find_submission(Database& db, std::int64_t assignment_id) {
  auto query = db.prepare(std::string(kSubmissionColumns) + "WHERE assignment_id = ?");
  query.bind(1, assignment_id);
  if (!query.step()) return std::nullopt;
  return read_submission(query);
}

std::vector<SubmissionRecord> list_submissions(Database& db, std::int64_t run_id, bool include_incomplete) {
  auto query = db.prepare(std::string(kSubmissionColumns) + "WHERE run_id = ? " +
                          (include_incomplete ? "" : "AND submitted_at IS NOT NULL ") +
                          "ORDER BY uu_id, annotator_id, assignment_id");
  query.bind(1, run_id);
  std::vector<SubmissionRecord> out;
  while (query.step()) out.push_back(read_submission(query));
  return out;
}

void add_model_feedback(Database& db, const ModelFeedbackRecord& feedback) {
  auto insert = db.prepare(
      "INSERT INTO model_feedback (assignment_id, text, label, probability, created_unix) VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, feedback.assignment_id)
      .bind(2, feedback.text)
      .bind(3, feedback.label)
      .bind(4, feedback.probability)
      .bind(5, feedback.created_unix)
      .run();
}

std::optional<ModelFeedbackRecord> latest_model_feedback(Database& db, std::int64_t assignment_id,
                                                         const std::string& text) {
  auto query = db.prepare(
      "SELECT assignment_id, text, label, probability, created_unix FROM model_feedback "
      "WHERE assignment_id = ? AND text = ? ORDER BY id DESC LIMIT 1");
  query.bind(1, assignment_id).bind(2, text);
  if (!query.step()) return std::nullopt;
  return ModelFeedbackRecord{query.column_int64(0), query.column_text(1), query.column_text(2),
                             query.column_double(3), query.column_double(4)};
}

}  // namespace blindspot::store
