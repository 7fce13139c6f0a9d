#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace blindspot;
using store::Database;
using testing::HasSubstr;

namespace {

struct Campaign {
  test::TempDir dir;
  Database db = Database::open(dir / "blindspot.db");
  std::int64_t run = store::begin_run(db, "scan", "{}", "{}");

  Campaign() {
    store::create_campaign(
        db, {run, R"(["negative","positive"])", R"({"run":1})", "", {}},
        {{"dev:1:natural", R"({"id":"dev:1:natural"})"}, {"dev:2:natural", R"({"id":"dev:2:natural"})"}});
  }
};

}  // namespace

TEST(Annotations, CampaignKeepsItsItemsInOrderAndIsCreatedOnce) {
  Campaign c;
  const auto campaign = store::find_campaign(c.db, c.run);
  ASSERT_TRUE(campaign.has_value());
  EXPECT_EQ(campaign->labels_json, R"(["negative","positive"])");
  EXPECT_FALSE(campaign->created_at.empty());
  const auto items = store::list_campaign_items(c.db, c.run);
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[0].uu_id, "dev:1:natural");
  EXPECT_EQ(items[1].uu_json, R"({"id":"dev:2:natural"})");
  EXPECT_EQ(store::find_campaign_item(c.db, c.run, "dev:2:natural")->uu_json, R"({"id":"dev:2:natural"})");
  EXPECT_FALSE(store::find_campaign_item(c.db, c.run, "dev:3:natural").has_value());
  const auto error = test::expect_error([&] { store::create_campaign(c.db, {c.run, "[]", "{}", "", {}}, {}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("already holds a campaign"));
  EXPECT_FALSE(store::find_campaign(c.db, c.run + 1).has_value());
}

TEST(Annotations, AnnotatorIsFoundByTokenHashAndRevocationEndsItsSessions) {
  Campaign c;
  const auto id = store::add_annotator(c.db, c.run, "ada", "hash-a");
  store::add_annotator(c.db, c.run, "bob", "hash-b");
  EXPECT_EQ(store::find_annotator_by_token(c.db, "hash-a")->id, id);
  EXPECT_FALSE(store::find_annotator_by_token(c.db, "token-a").has_value());
  // The same token hash cannot be given twice.
  EXPECT_THAT(test::expect_error([&] { store::add_annotator(c.db, c.run, "eve", "hash-a"); }).what(),
              HasSubstr("UNIQUE"));

  store::create_session(c.db, {"session-a", id, "csrf-a", 1000.0});
  EXPECT_EQ(store::find_live_session(c.db, "session-a", 999.0)->csrf_token, "csrf-a");
  EXPECT_FALSE(store::find_live_session(c.db, "session-a", 1000.0).has_value());  // expired
  EXPECT_TRUE(store::revoke_annotator(c.db, id));
  EXPECT_FALSE(store::revoke_annotator(c.db, id));
  EXPECT_FALSE(store::find_live_session(c.db, "session-a", 999.0).has_value());
  EXPECT_TRUE(store::find_annotator(c.db, id)->revoked_at.has_value());

  const auto annotators = store::list_annotators(c.db, c.run);
  ASSERT_EQ(annotators.size(), 2U);
  EXPECT_EQ(annotators[1].name, "bob");
  EXPECT_FALSE(annotators[1].revoked_at.has_value());
}

TEST(Annotations, SessionOfARevokedAnnotatorCreatedEarlierIsRefused) {
  Campaign c;
  const auto id = store::add_annotator(c.db, c.run, "ada", "hash-a");
  store::create_session(c.db, {"s1", id, "c1", 5000.0});
  // Revoked by hand (another process), sessions left in place: the join still refuses them.
  c.db.exec("UPDATE annotators SET revoked_at = '2026-01-01T00:00:00Z'");
  EXPECT_FALSE(store::find_live_session(c.db, "s1", 10.0).has_value());
  EXPECT_EQ(store::delete_expired_sessions(c.db, 6000.0), 1);
}

TEST(Annotations, FinishKeepsTheFirstCompletionCode) {
  Campaign c;
  const auto id = store::add_annotator(c.db, c.run, "ada", "hash-a");
  store::set_familiarity(c.db, id, R"({"labelling":3})");
  EXPECT_EQ(store::finish_annotator(c.db, id, "CODE-1"), "CODE-1");
  EXPECT_EQ(store::finish_annotator(c.db, id, "CODE-2"), "CODE-1");
  const auto a = store::find_annotator(c.db, id);
  EXPECT_EQ(a->familiarity_json, R"({"labelling":3})");
  EXPECT_TRUE(a->finished_at.has_value());
  EXPECT_THAT(test::expect_error([&] { store::set_familiarity(c.db, id, "not json"); }).what(),
              HasSubstr("CHECK constraint failed"));
}

TEST(Annotations, CoverageCountsUnreleasedAssignmentsAndWhatTheAnnotatorSaw) {
  Campaign c;
  const auto ada = store::add_annotator(c.db, c.run, "ada", "hash-a");
  const auto bob = store::add_annotator(c.db, c.run, "bob", "hash-b");
  store::AssignmentRecord a{0, c.run, ada, "dev:1:natural", "abstraction", "", 100.0, 0, {}, {}};
  const auto first = store::insert_assignment(c.db, a);
  store::AssignmentRecord b{0, c.run, bob, "dev:1:natural", "abstraction", "", 200.0, 0, {}, {}};
  store::insert_assignment(c.db, b);
  // Nobody gets the same UU twice.
  EXPECT_THAT(test::expect_error([&] { store::insert_assignment(c.db, a); }).what(), HasSubstr("UNIQUE"));

  auto coverage = store::uu_coverage(c.db, c.run, ada);
  ASSERT_EQ(coverage.size(), 2U);
  EXPECT_EQ(coverage[0].active, 2);
  EXPECT_TRUE(coverage[0].seen_by_annotator);
  EXPECT_EQ(coverage[1].active, 0);
  EXPECT_FALSE(coverage[1].seen_by_annotator);

  EXPECT_EQ(store::open_assignment(c.db, ada)->id, first);
  // Only ada's assignment was last seen before 150.
  EXPECT_EQ(store::release_stale_assignments(c.db, c.run, 150.0, "2026-01-01T00:00:00Z"), 1);
  EXPECT_FALSE(store::open_assignment(c.db, ada).has_value());
  coverage = store::uu_coverage(c.db, c.run, ada);
  EXPECT_EQ(coverage[0].active, 1);
  EXPECT_TRUE(coverage[0].seen_by_annotator);  // released, but seen
  EXPECT_EQ(store::find_assignment(c.db, first)->released_at, "2026-01-01T00:00:00Z");

  auto open = *store::open_assignment(c.db, bob);
  open.step = "done";
  open.submitted_at = "2026-01-01T00:01:00Z";
  open.pending_seconds = 0;
  open.last_seen_unix = 260.5;
  store::update_assignment(c.db, open);
  EXPECT_EQ(store::count_submitted(c.db, bob), 1);
  EXPECT_EQ(store::count_submitted(c.db, ada), 0);
  EXPECT_DOUBLE_EQ(store::find_assignment(c.db, open.id)->last_seen_unix, 260.5);
  // A submitted assignment is never released.
  EXPECT_EQ(store::release_stale_assignments(c.db, c.run, 1e9, "2026-01-01T00:00:00Z"), 0);
}

TEST(Annotations, SubmissionIsOneRowPerAssignmentWrittenStepByStep) {
  Campaign c;
  const auto ada = store::add_annotator(c.db, c.run, "ada", "hash-a");
  const auto id = store::insert_assignment(c.db, {0, c.run, ada, "dev:2:natural", "abstraction", "", 1.0, 0, {}, {}});
  store::SubmissionRecord s;
  s.assignment_id = id;
  s.run_id = c.run;
  s.annotator_id = ada;
  s.uu_id = "dev:2:natural";
  s.abstraction = "typos in the sentiment words";
  s.abstraction_seconds = 12.5;
  s.active_seconds = 12.5;
  store::save_submission(c.db, s);
  EXPECT_TRUE(store::list_submissions(c.db, c.run).empty());  // not complete yet
  ASSERT_EQ(store::list_submissions(c.db, c.run, true).size(), 1U);

  s.samples_json = R"([{"text":"a","label":"negative","reasoning":""}])";
  s.submitted_at = "2026-01-01T00:00:00Z";
  store::save_submission(c.db, s);
  const auto all = store::list_submissions(c.db, c.run);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].abstraction, "typos in the sentiment words");
  EXPECT_DOUBLE_EQ(all[0].abstraction_seconds, 12.5);
  EXPECT_EQ(all[0].samples_json, R"([{"text":"a","label":"negative","reasoning":""}])");
  EXPECT_EQ(store::find_submission(c.db, id)->submitted_at, "2026-01-01T00:00:00Z");
  EXPECT_FALSE(store::find_submission(c.db, id + 1).has_value());
}

TEST(Annotations, DeletingTheRunDeletesTheCampaign) {
  Campaign c;
  const auto ada = store::add_annotator(c.db, c.run, "ada", "hash-a");
  store::insert_assignment(c.db, {0, c.run, ada, "dev:2:natural", "abstraction", "", 1.0, 0, {}, {}});
  c.db.exec("DELETE FROM runs");
  for (const char* table : {"campaigns", "campaign_uus", "annotators", "assignments"}) {
    auto count = c.db.prepare(std::string("SELECT count(*) FROM ") + table);
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.column_int64(0), 0) << table;
  }
}

TEST(Annotations, VersionOneStoreMigratesToCampaignTables) {
  test::TempDir dir;
  const auto file = dir / "blindspot.db";
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
    const std::string sql = test::read_text(test::fixture("store/schema_v1.sql"));
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  auto db = Database::open(file);
  EXPECT_EQ(db.schema_version(), 8);
  // Run 2 of the fixture is a scan with UUs: it can hold a campaign.
  store::create_campaign(db, {2, R"(["negative","positive"])", R"({"run":2})", "", {}}, {{"dev:0:natural", "{}"}});
  const auto ada = store::add_annotator(db, 2, "ada", "h");
  EXPECT_EQ(store::list_annotators(db, 2).at(0).id, ada);
  EXPECT_EQ(store::find_run(db, 1)->command, "train");
}

TEST(Annotations, ServeUrlIsRecordedPerCampaignAndOverwrittenByTheNextServe) {
  Campaign c;
  EXPECT_EQ(store::find_campaign(c.db, c.run)->serve_url, std::nullopt);
  store::set_campaign_serve_url(c.db, c.run, "http://127.0.0.1:18089");
  EXPECT_EQ(store::find_campaign(c.db, c.run)->serve_url, "http://127.0.0.1:18089");
  store::set_campaign_serve_url(c.db, c.run, "https://annotate.example.org");
  EXPECT_EQ(store::find_campaign(c.db, c.run)->serve_url, "https://annotate.example.org");
  const auto error = test::expect_error([&] { store::set_campaign_serve_url(c.db, c.run + 1, "http://x"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("run 2 holds no campaign"));
}

TEST(Annotations, SubmissionKeepsTheLabelVerdict) {
  Campaign c;
  const auto ada = store::add_annotator(c.db, c.run, "ada", "hash-a");
  const auto id = store::insert_assignment(c.db, {0, c.run, ada, "dev:1:natural", "abstraction", "", 1.0, 0, {}, {}});
  store::SubmissionRecord s;
  s.assignment_id = id;
  s.run_id = c.run;
  s.annotator_id = ada;
  s.uu_id = "dev:1:natural";
  EXPECT_EQ(s.label_verdict, "");
  s.label_verdict = "wrong";
  store::save_submission(c.db, s);
  EXPECT_EQ(store::find_submission(c.db, id)->label_verdict, "wrong");
  EXPECT_EQ(store::list_submissions(c.db, c.run, true).at(0).label_verdict, "wrong");
}

TEST(Annotations, LatestModelFeedbackIsTheLastScoreOfExactlyThatText) {
  Campaign c;
  const auto ada = store::add_annotator(c.db, c.run, "ada", "hash-a");
  const auto id = store::insert_assignment(c.db, {0, c.run, ada, "dev:1:natural", "generation", "", 1.0, 0, {}, {}});
  EXPECT_FALSE(store::latest_model_feedback(c.db, id, "a film").has_value());
  store::add_model_feedback(c.db, {id, "a film", "positive", 0.61, 10});
  store::add_model_feedback(c.db, {id, "a film", "negative", 0.93, 20});
  store::add_model_feedback(c.db, {id, "another film", "positive", 0.99, 30});
  const auto last = store::latest_model_feedback(c.db, id, "a film");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->label, "negative");
  EXPECT_DOUBLE_EQ(last->probability, 0.93);
  EXPECT_DOUBLE_EQ(last->created_unix, 20);
  EXPECT_FALSE(store::latest_model_feedback(c.db, id, "a film ").has_value());
  EXPECT_FALSE(store::latest_model_feedback(c.db, id + 1, "a film").has_value());
}
