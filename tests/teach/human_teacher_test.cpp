#include "blindspot/teach/human_teacher.hpp"

#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace blindspot;
using testing::HasSubstr;

namespace {

discover::Uu natural(int row) {
  discover::Uu uu;
  uu.id = "dev:" + std::to_string(row) + ":natural";
  uu.text = "a review " + std::to_string(row);
  uu.true_label = "negative";
  uu.predicted_label = "positive";
  uu.confidence = 0.9;
  return uu;
}

discover::Uu adversarial() {
  discover::Uu uu;
  uu.id = "dev:7:deepwordbug";
  uu.kind = discover::UuKind::adversarial;
  uu.text = "a terible film";
  uu.original_text = "a terrible film";
  uu.marked_text = "a [[terible]] film";
  uu.edits = {{"terrible", "terible", "delete"}};
  uu.true_label = "negative";
  uu.predicted_label = "positive";
  uu.confidence = 0.81;
  uu.blind_spot = 3;
  return uu;
}

struct Fixture {
  test::TempDir dir;
  store::Database db = store::Database::open(dir / "blindspot.db");
  std::int64_t run = store::begin_run(db, "scan", "{}", "{}");
  data::LabelSet labels{std::vector<std::string>{"negative", "positive"}};

  Fixture() { teach::create_campaign(db, {run, labels, {natural(1), natural(2), adversarial()}, R"({"run":1})"}); }

  // A submission by `annotator` on `uu_id`; complete unless `complete` is false.
  void submit(std::int64_t annotator, const std::string& uu_id, const std::string& abstraction, bool complete = true,
              double seconds = 60) {
    const auto assignment = store::insert_assignment(
        db, {0, run, annotator, uu_id, complete ? "done" : "extrapolation", "", 1.0, 0, {}, {}});
    store::SubmissionRecord s;
    s.assignment_id = assignment;
    s.run_id = run;
    s.annotator_id = annotator;
    s.uu_id = uu_id;
    s.abstraction = abstraction;
    s.abstraction_reasoning = "because";
    s.abstraction_seconds = seconds;
    s.active_seconds = seconds;
    if (complete) {
      s.extrapolation = "related: " + abstraction;
      s.samples_json =
          nlohmann::json::array({{{"text", "sample one of " + uu_id}, {"label", "negative"}, {"reasoning", "r1"}},
                                 {{"text", "sample two of " + uu_id}, {"label", "positive"}, {"reasoning", ""}}})
              .dump();
      s.extrapolation_seconds = 30;
      s.generation_seconds = 90;
      s.active_seconds = seconds + 120;
      s.submitted_at = "2026-01-01T00:00:00Z";
    }
    store::save_submission(db, s);
  }
};

}  // namespace

TEST(Campaign, UuJsonRoundTripsEveryField) {
  const discover::Uu uu = adversarial();
  const discover::Uu back = teach::uu_from_json(teach::uu_to_json(uu));
  EXPECT_EQ(back.id, uu.id);
  EXPECT_EQ(back.kind, discover::UuKind::adversarial);
  EXPECT_EQ(back.marked_text, "a [[terible]] film");
  ASSERT_EQ(back.edits.size(), 1U);
  EXPECT_EQ(back.edits[0].replacement, "terible");
  EXPECT_DOUBLE_EQ(back.confidence, 0.81);
  EXPECT_EQ(back.blind_spot, 3);
  EXPECT_THAT(test::expect_error([] { teach::uu_from_json(R"({"id":"x"})"); }).what(), HasSubstr("malformed"));
}

TEST(Campaign, UuJsonCarriesTheLabelIssueAndOldSnapshotsReadAsUnflagged) {
  discover::Uu uu = adversarial();
  uu.label_issue = true;
  uu.label_quality = 0.04;
  const discover::Uu back = teach::uu_from_json(teach::uu_to_json(uu));
  EXPECT_TRUE(back.label_issue);
  EXPECT_DOUBLE_EQ(back.label_quality, 0.04);
  // A snapshot stored before label-issue triage existed.
  auto old = nlohmann::json::parse(teach::uu_to_json(adversarial()));
  old.erase("label_issue");
  old.erase("label_quality");
  const discover::Uu before = teach::uu_from_json(old.dump());
  EXPECT_FALSE(before.label_issue);
  EXPECT_DOUBLE_EQ(before.label_quality, -1);
}

TEST(Campaign, TestSplitUusAreRefused) {
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const auto run = store::begin_run(db, "scan", "{}", "{}");
  discover::Uu leaked = natural(4);
  leaked.id = "test:4:natural";
  const auto error = test::expect_error([&] {
    teach::create_campaign(db, {run, data::LabelSet({"negative", "positive"}), {natural(1), leaked}, "{}"});
  });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("UU test:4:natural is on the test split"));
  EXPECT_FALSE(teach::load_campaign(db, run).has_value());

  // A campaign stored by other means is refused when loaded too.
  store::create_campaign(db, {run, R"(["negative","positive"])", "{}", "", {}},
                         {{leaked.id, teach::uu_to_json(leaked)}});
  EXPECT_THAT(test::expect_error([&] { teach::load_campaign(db, run); }).what(), HasSubstr("on the test split"));
}

TEST(Campaign, UnknownLabelIsRefused) {
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const auto run = store::begin_run(db, "scan", "{}", "{}");
  discover::Uu uu = natural(1);
  uu.predicted_label = "neutral";
  EXPECT_THAT(test::expect_error([&] {
                teach::create_campaign(db, {run, data::LabelSet({"negative", "positive"}), {uu}, "{}"});
              }).what(),
              HasSubstr("label \"neutral\", which is not one of the task's labels (negative, positive)"));
}

TEST(HumanTeacher, ReadsCompleteSubmissionsWithStableIdsAndProvenance) {
  Fixture f;
  const auto ada = store::add_annotator(f.db, f.run, "ada", "ha");
  const auto bob = store::add_annotator(f.db, f.run, "bob", "hb");
  store::set_familiarity(f.db, ada, R"({"labelling":4,"sentiment":2,"ml":1})");
  f.submit(bob, "dev:7:deepwordbug", "typos in negative words");
  f.submit(ada, "dev:7:deepwordbug", "misspelt sentiment words");
  f.submit(ada, "dev:1:natural", "sarcasm");
  f.submit(bob, "dev:2:natural", "unfinished", /*complete=*/false);

  teach::HumanTeacher teacher(f.db, f.run);
  EXPECT_EQ(teacher.name(), "human:run-" + std::to_string(f.run));
  ASSERT_EQ(teacher.annotated_uus().size(), 2U);  // dev:2 has only an incomplete submission
  EXPECT_EQ(teacher.annotated_uus()[0].id, "dev:1:natural");

  const auto abstractions = teacher.abstract(teacher.annotated_uus());
  ASSERT_EQ(abstractions.size(), 3U);
  EXPECT_EQ(abstractions[0].id, "human:A:dev:1:natural:" + std::to_string(ada));
  EXPECT_EQ(abstractions[0].text, "sarcasm");
  EXPECT_EQ(abstractions[0].reasoning, "because");
  EXPECT_EQ(abstractions[0].task, teach::kAbstraction);
  EXPECT_EQ(abstractions[0].prompt_version, teach::kHumanFormVersion);
  // Within a UU, by annotator id.
  EXPECT_EQ(abstractions[1].id, "human:A:dev:7:deepwordbug:" + std::to_string(ada));
  EXPECT_EQ(abstractions[2].id, "human:A:dev:7:deepwordbug:" + std::to_string(bob));
  EXPECT_EQ(abstractions[1].blind_spot, 3);

  const auto provenance = nlohmann::json::parse(abstractions[0].provenance_json);
  EXPECT_EQ(provenance["annotator"], ada);
  EXPECT_EQ(provenance["campaign"], f.run);
  EXPECT_EQ(provenance["familiarity"]["labelling"], 4);
  EXPECT_DOUBLE_EQ(provenance["active_seconds"]["total"].get<double>(), 180.0);
  EXPECT_DOUBLE_EQ(provenance["active_seconds"]["generation"].get<double>(), 90.0);
  EXPECT_EQ(abstractions[0].provenance_json.find("ha"), std::string::npos);  // never the token (hash)

  // Only the UUs asked for.
  EXPECT_EQ(teacher.abstract({natural(1)}).size(), 1U);

  const auto extrapolations = teacher.extrapolate({}, {abstractions[2]});
  ASSERT_EQ(extrapolations.size(), 1U);
  EXPECT_EQ(extrapolations[0].id, "human:E:dev:7:deepwordbug:" + std::to_string(bob));
  EXPECT_EQ(extrapolations[0].parent_id, abstractions[2].id);
  EXPECT_EQ(extrapolations[0].text, "related: typos in negative words");

  auto hypotheses = abstractions;
  hypotheses.push_back(extrapolations[0]);
  const auto samples = teacher.generate(hypotheses, 5);
  ASSERT_EQ(samples.size(), 6U);  // 2 per submission, whatever per_hypothesis says
  EXPECT_EQ(samples[0].id, abstractions[0].id + "#1");
  EXPECT_EQ(samples[0].hypothesis_id, abstractions[0].id);
  EXPECT_EQ(samples[0].text, "sample one of dev:1:natural");
  EXPECT_EQ(samples[0].label, "negative");
  EXPECT_EQ(samples[0].reasoning, "r1");
  EXPECT_EQ(samples[1].id, abstractions[0].id + "#2");
  EXPECT_EQ(samples[1].label, "positive");

  // The same store gives the same ids.
  teach::HumanTeacher again(f.db, f.run);
  EXPECT_EQ(again.abstract(again.annotated_uus())[2].id, abstractions[2].id);
}

TEST(HumanTeacher, RunWithoutCampaignIsAnError) {
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const auto run = store::begin_run(db, "scan", "{}", "{}");
  const auto error = test::expect_error([&] { teach::HumanTeacher(db, run); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("holds no annotation campaign"));
}

TEST(HumanTeacher, TeachSessionRunsOverHumanSubmissions) {
  Fixture f;
  const auto ada = store::add_annotator(f.db, f.run, "ada", "ha");
  f.submit(ada, "dev:1:natural", "sarcasm");
  teach::HumanTeacher teacher(f.db, f.run);
  data::Split train;
  train.name = "train";
  train.labels = f.labels;
  for (int i = 0; i < 20; ++i) {
    train.examples.push_back({"an ordinary training review number " + std::to_string(i), i % 2, i + 2});
  }
  const teach::SampleFilter filter(f.labels, train, nullptr, {});
  teach::TeachOptions options;
  options.max_uus = 0;
  const auto result = teach::teach(teacher, teacher.annotated_uus(), filter, options);
  ASSERT_EQ(result.hypotheses.size(), 2U);
  EXPECT_EQ(result.hypotheses[1].task, teach::kExtrapolation);
  ASSERT_EQ(result.samples.size(), 2U);
  EXPECT_TRUE(result.samples[0].accepted) << result.samples[0].rejection;
}

TEST(HumanCost, SumsActiveTimeAndCountsOutputs) {
  Fixture f;
  const auto ada = store::add_annotator(f.db, f.run, "ada", "ha");
  const auto bob = store::add_annotator(f.db, f.run, "bob", "hb");
  f.submit(ada, "dev:1:natural", "sarcasm", true, 60);          // 60 + 30 + 90 = 180 s
  f.submit(ada, "dev:2:natural", "negation", true, 100);        // 220 s
  f.submit(bob, "dev:1:natural", "x", /*complete=*/false, 45);  // abandoned after the abstraction
  const auto cost = teach::human_campaign_cost(f.db, f.run);
  EXPECT_EQ(cost.submissions, 2);
  EXPECT_EQ(cost.hypotheses, 4);
  EXPECT_EQ(cost.samples, 4);
  EXPECT_DOUBLE_EQ(cost.active_seconds, 400.0);
  EXPECT_DOUBLE_EQ(cost.incomplete_active_seconds, 45.0);
  EXPECT_DOUBLE_EQ(cost.paid_active_seconds(), 445.0);
  ASSERT_EQ(cost.by_annotator.size(), 2U);
  EXPECT_EQ(cost.by_annotator[0].annotator_id, ada);
  EXPECT_EQ(cost.by_annotator[0].submissions, 2);
  EXPECT_DOUBLE_EQ(cost.by_annotator[0].active_seconds, 400.0);
  EXPECT_DOUBLE_EQ(cost.by_annotator[1].active_seconds, 45.0);
  EXPECT_EQ(teach::human_campaign_cost(f.db, f.run + 5).submissions, 0);
}

TEST(HumanCost, UsdIsHoursTimesWagePlusFee) {
  EXPECT_DOUBLE_EQ(teach::human_cost_usd(5400, 12.0, 0.25), 1.5 * 12.0 * 1.25);  // 22.5
  EXPECT_DOUBLE_EQ(teach::human_cost_usd(0, 12.0, 0.25), 0.0);
  EXPECT_DOUBLE_EQ(teach::human_cost_usd(3600, 10.0, 0.0), 10.0);
  EXPECT_EQ(test::expect_error([] { teach::human_cost_usd(-1, 10, 0); }).kind(), core::ErrorKind::bad_input);
}
