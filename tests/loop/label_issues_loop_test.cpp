// The loop's label-issue triage (LoopOptions::label_issues; docs/label-issues.md, "In run and
// experiment"), with fastText on the small generated dataset of small_dataset.hpp, whose flipped dev
// rows are known: the flags land in the UU files, find the flipped rows, are counted in the
// result, stay away from the teacher unless teach_label_issues, change the keys, and are reused.

#include "blindspot/loop/loop_records.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "blindspot/teach/uu_source.hpp"
#include "small_dataset.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace blindspot::loop {
namespace {

constexpr int kDevFlipEvery = 5;
constexpr int kDevOffset = 1000;

class LabelIssueLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "data");
    test::write_small_split(dir_ / "data/train.csv", 240, 23, 0);
    test::write_small_split(dir_ / "data/dev.csv", 80, kDevFlipEvery, kDevOffset);
    test::write_small_split(dir_ / "data/test.csv", 80, 7, 2000);
    db_ = std::make_unique<store::Database>(store::Database::open(dir_ / "blindspot.db"));
  }

  LoopOptions options() const {
    LoopOptions o;
    o.data = dir_ / "data";
    o.model.threads = 1;
    o.model.buckets = 20000;  // small models: the suite stays fast
    o.model.dimension = 20;
    o.tuning.mode = BaselineTuning::Mode::off;
    o.dev_attack_rows = 8;
    o.test_attack_rows = 8;
    o.max_uus = 0;
    o.seed = 5;
    o.threads = 2;
    o.label_issues = true;
    return o;
  }

  // Runs the loop with the automatic teacher; the ids of the UUs each teach step was given are
  // appended to taught_ids_.
  LoopResult run(const LoopOptions& o, const std::string& stop_after = "") {
    const auto teacher = [this](const TeacherInputs& inputs) -> std::unique_ptr<teach::Teacher> {
      for (const auto& uu : inputs.uus) taught_ids_.insert(uu.id);
      teach::AutoTeacherOptions auto_options;
      auto_options.seed = 5;
      return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, auto_options);
    };
    return run_loop(o, {dir_ / "loops", *db_, store::begin_run(*db_, "run", "{}", "{}"), teacher},
                    {.stop_after = stop_after});
  }

  std::vector<discover::Uu> grouped_uus(const LoopResult& result) const {
    return teach::read_uus_jsonl(result.folder.parent_path() / "uus.jsonl", data::LabelSet({"negative", "positive"}));
  }

  test::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::set<std::string> taught_ids_;
};

TEST_F(LabelIssueLoop, FlagsTheFlippedDevRowsAndCountsThemApartFromBlindSpots) {
  const LoopResult result = run(options());
  ASSERT_TRUE(result.complete);
  const auto uus = grouped_uus(result);
  ASSERT_EQ(static_cast<std::int64_t>(uus.size()), result.dev_uus);
  std::int64_t flagged = 0, flagged_flipped = 0, flipped_natural = 0, flipped_natural_flagged = 0;
  for (const auto& uu : uus) {
    EXPECT_GE(uu.label_quality, 0) << uu.id;  // every UU was judged
    const bool flipped = test::is_flipped_row(discover::parse_uu_id(uu.id).value().row, kDevFlipEvery, kDevOffset);
    flagged += uu.label_issue ? 1 : 0;
    flagged_flipped += uu.label_issue && flipped ? 1 : 0;
    if (uu.kind == discover::UuKind::natural && flipped) {
      ++flipped_natural;
      flipped_natural_flagged += uu.label_issue ? 1 : 0;
    }
  }
  // 16 of the 80 dev rows are flipped; the words give their true label away.
  EXPECT_GE(flipped_natural, 10);
  // Measured: 10 of the 16 flipped natural UUs flagged, and every flagged UU a flipped row.
  EXPECT_GE(flipped_natural_flagged * 2, flipped_natural) << flipped_natural_flagged << " of " << flipped_natural;
  EXPECT_GE(flagged_flipped * 10, flagged * 9) << flagged_flipped << " of " << flagged;
  EXPECT_EQ(result.dev_label_issues, flagged);
  EXPECT_EQ(result.label_folds, 5);
  EXPECT_FALSE(result.label_issues_taught);
  ASSERT_EQ(result.rounds.size(), 1u);
  EXPECT_EQ(result.rounds[0].dev_label_issues, flagged);
  // Flagged UUs are neither taught nor held out: they are no blind spot to fix.
  EXPECT_LE(result.held_out_uus + static_cast<std::int64_t>(taught_ids_.size()), result.dev_uus - flagged);
  for (const auto& uu : uus) {
    if (uu.label_issue) {
      EXPECT_EQ(taught_ids_.count(uu.id), 0u) << uu.id;
    }
  }

  const auto json = nlohmann::json::parse(loop_result_json(result, 1, "auto"));
  EXPECT_EQ(json["label_issues"]["dev_uus_flagged"], flagged);
  EXPECT_EQ(json["label_issues"]["dev_uus"], result.dev_uus);
  EXPECT_EQ(json["label_issues"]["folds"], 5);
  EXPECT_EQ(json["label_issues"]["taught"], false);
  EXPECT_EQ(json["rounds"][0]["label_issues"]["dev_uus_flagged"], flagged);
}

TEST_F(LabelIssueLoop, TeachLabelIssuesGivesTheFlaggedUusToTheTeacher) {
  LoopOptions o = options();
  o.held_out_share = 0;  // every teachable UU goes to the teacher
  const LoopResult left_out = run(o, "teach");
  const auto uus = grouped_uus(left_out);
  std::set<std::string> unflagged, all;
  for (const auto& uu : uus) {
    all.insert(uu.id);
    if (!uu.label_issue) unflagged.insert(uu.id);
  }
  ASSERT_LT(unflagged.size(), all.size());  // some are flagged
  EXPECT_EQ(taught_ids_, unflagged);

  taught_ids_.clear();
  o.teach_label_issues = true;
  const LoopResult taught = run(o, "teach");
  EXPECT_EQ(taught_ids_, all);
  EXPECT_TRUE(taught.label_issues_taught);
  // The steps before teaching are shared: the triage is not done again.
  for (std::size_t i = 0; i + 1 < taught.steps.size(); ++i) EXPECT_TRUE(taught.steps[i].reused) << taught.steps[i].step;
  EXPECT_FALSE(taught.steps.back().reused);
}

TEST_F(LabelIssueLoop, EachOptionChangesTheKeysThatDependOnIt) {
  LoopOptions off = options();
  off.label_issues = false;
  LoopOptions off_other_folds = off;
  off_other_folds.label_folds = 3;
  // Off: the folds mean nothing, and the keys are those of a loop without the triage.
  EXPECT_EQ(loop_key(off), loop_key(off_other_folds));
  EXPECT_EQ(baseline_key(off), baseline_key(off_other_folds));
  const LoopOptions on = options();
  EXPECT_NE(loop_key(on), loop_key(off));
  EXPECT_NE(baseline_key(on), baseline_key(off));
  LoopOptions three_folds = on;
  three_folds.label_folds = 3;
  EXPECT_NE(loop_key(three_folds), loop_key(on));
  EXPECT_NE(baseline_key(three_folds), baseline_key(on));
  LoopOptions taught = on;
  taught.teach_label_issues = true;
  EXPECT_NE(loop_key(taught), loop_key(on));
  EXPECT_EQ(baseline_key(taught), baseline_key(on));
}

TEST_F(LabelIssueLoop, ARerunReusesTheTriageAndTheSameSeedGivesTheSameFlags) {
  const LoopResult first = run(options(), "scan_dev");
  ASSERT_EQ(first.steps.size(), 2u);
  EXPECT_FALSE(first.steps[1].reused);
  const auto flags_file = first.folder.parent_path() / "dev.label_issues.json";
  const std::string flags = test::read_text(flags_file);
  EXPECT_GT(nlohmann::json::parse(flags).at("flagged_rows").size(), 0u);
  const LoopResult again = run(options(), "scan_dev");
  EXPECT_TRUE(again.steps[1].reused);

  // A damaged triage file makes the scan (and its triage) run again, with the same flags.
  test::write_text(flags_file, "{}");
  const LoopResult repaired = run(options(), "scan_dev");
  EXPECT_FALSE(repaired.steps[1].reused);
  EXPECT_EQ(test::read_text(flags_file), flags);
}

TEST_F(LabelIssueLoop, OptionsThatCannotWorkAreUsageErrors) {
  const auto expect_usage = [this](const LoopOptions& o, const std::string& message) {
    const core::Error error = test::expect_error([&] { run(o); });
    EXPECT_EQ(error.kind(), core::ErrorKind::usage);
    EXPECT_THAT(error.what(), ::testing::HasSubstr(message));
  };
  LoopOptions no_triage = options();
  no_triage.label_issues = false;
  no_triage.teach_label_issues = true;
  expect_usage(no_triage, "--teach-label-issues needs --label-issues");
  LoopOptions one_fold = options();
  one_fold.label_folds = 1;
  expect_usage(one_fold, "--label-folds must be at least 2");
  LoopOptions served = options();
  served.external.spec = "http://localhost:1/v2/models/m";
  expect_usage(served, "--label-issues retrains");
}

}  // namespace
}  // namespace blindspot::loop
