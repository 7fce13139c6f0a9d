// The mitigation loop on sst2 with the automatic teacher: a run stopped after every step and
// resumed ends exactly like an uninterrupted one, without redoing finished steps.

#include "blindspot/loop/mitigation_loop.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace blindspot::loop {
namespace {

LoopOptions small_options() {
  LoopOptions options;
  options.data = test::shared_data("sst2");
  options.model.threads = 1;
  options.dev_attack_rows = 40;
  options.max_uus = 6;
  options.test_attack_rows = 30;
  options.seed = 5;
  options.threads = 2;
  return options;
}

std::unique_ptr<teach::Teacher> auto_teacher(const TeacherInputs& inputs) {
  teach::AutoTeacherOptions options;
  options.seed = 5;
  return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, options);
}

TEST(MitigationLoop, AResumedLoopSkipsFinishedStepsAndEndsLikeAnUninterruptedOne) {
  const LoopOptions options = small_options();
  test::TempDir whole;
  auto whole_db = store::Database::open(whole / "blindspot.db");
  const LoopResult reference =
      run_loop(options, {whole / "loop", whole_db, store::begin_run(whole_db, "run", "{}", "{}"), auto_teacher});
  ASSERT_TRUE(reference.complete);
  EXPECT_EQ(reference.steps.size(), step_names().size());
  EXPECT_GT(reference.dev_uus, 10);
  EXPECT_GE(reference.blind_spots, 1);
  EXPECT_GT(reference.hypotheses, 0);
  EXPECT_GT(reference.samples_added, 0);
  EXPECT_GT(reference.before.accuracy, 0.75);
  EXPECT_GT(reference.before.adversarial_attacked, 0);
  EXPECT_GT(reference.after.adversarial_attacked, 0);

  test::TempDir pieces;
  auto db = store::Database::open(pieces / "blindspot.db");
  for (std::size_t i = 0; i < step_names().size(); ++i) {
    const LoopResult partial =
        run_loop(options, {pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher},
                 {.stop_after = step_names()[i]});
    ASSERT_EQ(partial.steps.size(), i + 1);
    for (std::size_t j = 0; j < i; ++j) EXPECT_TRUE(partial.steps[j].reused) << step_names()[j];
    EXPECT_FALSE(partial.steps[i].reused) << step_names()[i];
    EXPECT_EQ(partial.key, reference.key);
  }
  const LoopResult resumed =
      run_loop(options, {pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher});
  ASSERT_TRUE(resumed.complete);
  for (const auto& step : resumed.steps) EXPECT_TRUE(step.reused) << step.step;
  for (const char* file : {"baseline.bin", "uus.jsonl"}) {
    EXPECT_EQ(test::read_text(reference.folder.parent_path() / file),
              test::read_text(resumed.folder.parent_path() / file))
        << file;
  }
  for (const char* file : {"samples.jsonl", "train.augmented.csv", "retrained.bin", "metrics.json"}) {
    EXPECT_EQ(test::read_text(reference.folder / file), test::read_text(resumed.folder / file)) << file;
  }

  // A damaged output makes its step run again.
  test::write_text(resumed.folder / "metrics.json", "{}");
  const LoopResult repaired =
      run_loop(options, {pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher});
  EXPECT_FALSE(repaired.steps.back().reused);
  EXPECT_EQ(test::read_text(reference.folder / "metrics.json"), test::read_text(resumed.folder / "metrics.json"));

  // Another teacher on the same baseline reuses the steps before teaching.
  LoopOptions other_teacher = options;
  other_teacher.max_uus = 3;
  const LoopResult sibling =
      run_loop(other_teacher, {pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher},
               {.stop_after = "group"});
  ASSERT_EQ(sibling.steps.size(), 4u);
  for (const auto& step : sibling.steps) EXPECT_TRUE(step.reused) << step.step;
  EXPECT_EQ(sibling.folder.parent_path(), resumed.folder.parent_path());
  EXPECT_NE(sibling.folder, resumed.folder);
}

TEST(MitigationLoop, TheKeyChangesWithEveryOptionThatChangesResults) {
  const LoopOptions options = small_options();
  const std::string key = loop_key(options);
  EXPECT_EQ(loop_key(options), key);
  LoopOptions other = options;
  other.seed = 6;
  EXPECT_NE(loop_key(other), key);
  other = options;
  other.max_uus = 7;
  EXPECT_NE(loop_key(other), key);
  other = options;
  other.teacher = "llm";
  EXPECT_NE(loop_key(other), key);
  EXPECT_EQ(baseline_key(other), baseline_key(options));  // the teacher does not change the baseline
  other = options;
  other.threads = 1;  // results do not depend on it, so neither does the key
  EXPECT_EQ(loop_key(other), key);
}

// Writes, for each of the first two UUs it is given, one hypothesis whose only
// sample is that UU's own text with its true label (so training on it should
// fix that UU), and one hypothesis per other UU whose sample is an unrelated
// correctly labelled training text.
class CopyingTeacher : public teach::Teacher {
 public:
  CopyingTeacher(const data::Split& train) : train_(train) {}
  std::string name() const override { return "copying (test)"; }
  std::vector<teach::Hypothesis> abstract(const std::vector<discover::Uu>& given) override {
    // The most confident UUs: retraining noise alone does not fix them.
    std::vector<discover::Uu> uus;
    for (const auto& uu : given) {
      if (std::count(uu.text.begin(), uu.text.end(), ' ') >= 4) uus.push_back(uu);  // the filters' minimum length
    }
    std::stable_sort(uus.begin(), uus.end(), [](const auto& a, const auto& b) { return a.confidence > b.confidence; });
    std::vector<teach::Hypothesis> out;
    for (std::size_t i = 0; i < uus.size() && i < 4; ++i) {
      teach::Hypothesis h;
      h.id = "h" + std::to_string(i);
      h.task = teach::kAbstraction;
      h.uu_id = uus[i].id;
      h.blind_spot = uus[i].blind_spot;
      h.text = i < 2 ? "copy of " + uus[i].id : "unrelated";
      h.teacher = name();
      out.push_back(h);
      texts_[h.id] = i < 2 ? std::pair{uus[i].text, uus[i].true_label} : unrelated(100 * i);
    }
    return out;
  }
  std::vector<teach::Hypothesis> extrapolate(const std::vector<discover::Uu>&,
                                             const std::vector<teach::Hypothesis>&) override {
    return {};
  }
  std::vector<teach::Sample> generate(const std::vector<teach::Hypothesis>& hypotheses, int) override {
    std::vector<teach::Sample> out;
    for (const auto& h : hypotheses) {
      teach::Sample s;
      s.id = h.id + "#0";
      s.hypothesis_id = h.id;
      s.text = texts_.at(h.id).first;
      s.label = texts_.at(h.id).second;
      s.teacher = name();
      out.push_back(s);
    }
    return out;
  }

 private:
  // Two training texts of one label joined: labelled right, aimed at nothing,
  // and no duplicate of either for the filters.
  std::pair<std::string, std::string> unrelated(std::size_t first) const {
    const auto& a = train_.examples[first];
    std::size_t second = first + 1;
    while (train_.examples[second].label != a.label) ++second;
    return {a.text + " " + train_.examples[second].text, train_.labels.name(a.label)};
  }

  const data::Split& train_;
  std::map<std::string, std::pair<std::string, std::string>> texts_;
};

TEST(MitigationLoop, AttributionCreditsTheHypothesisWhoseSamplesFixedItsUu) {
  LoopOptions options = small_options();
  options.dev_attack_rows = 0;  // natural UUs: their words are in the vocabulary
  options.test_attack_rows = 0;
  options.max_uus = 0;  // the teacher picks its UUs
  options.extrapolate = false;
  options.teacher = "copying";
  options.attribution = 4;
  // Copies of a UU need a few epochs' weight to flip it; the same for every
  // model of the loop.
  options.model.epochs = 25;
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const auto copying = [](const TeacherInputs& inputs) -> std::unique_ptr<teach::Teacher> {
    return std::make_unique<CopyingTeacher>(inputs.train);
  };
  const LoopResult result = run_loop(options, {dir / "loop", db, store::begin_run(db, "run", "{}", "{}"), copying});
  ASSERT_TRUE(result.complete);
  ASSERT_EQ(result.attribution.size(), 4u);
  for (const auto& a : result.attribution) {
    EXPECT_EQ(a.samples, 1) << a.hypothesis_id;
    // What the model without its samples fixes plus what only its samples fix
    // is what all fix.
    EXPECT_EQ(a.fixed_without + a.marginal_fixed, result.dev_uus_fixed) << a.hypothesis_id;
    EXPECT_EQ(a.marginal_fixed, a.fixed_only_with - a.fixed_only_without) << a.hypothesis_id;
  }
  // Ties in sample count keep id order.
  EXPECT_EQ(result.attribution[0].hypothesis_id, "h0");
  EXPECT_EQ(result.attribution[3].hypothesis_id, "h3");
  for (int i = 0; i < 2; ++i) {
    const auto& copy = result.attribution[static_cast<std::size_t>(i)];
    EXPECT_TRUE(copy.source_uu_fixed) << copy.hypothesis_id;
    EXPECT_FALSE(copy.source_uu_fixed_without) << copy.hypothesis_id;
    EXPECT_GE(copy.fixed_only_with, 1) << copy.hypothesis_id;
  }

  // A rerun reuses the attribution; asking for fewer hypotheses redoes only the
  // attribution.
  const LoopResult again = run_loop(options, {dir / "loop", db, store::begin_run(db, "run", "{}", "{}"), copying});
  for (const auto& step : again.steps) EXPECT_TRUE(step.reused) << step.step;
  options.attribution = 1;
  options.threads = 1;
  const LoopResult fewer = run_loop(options, {dir / "loop", db, store::begin_run(db, "run", "{}", "{}"), copying});
  ASSERT_EQ(fewer.attribution.size(), 1u);
  EXPECT_FALSE(fewer.steps.back().reused);
  EXPECT_EQ(fewer.steps.back().step, "attribute");
  for (std::size_t i = 0; i + 1 < fewer.steps.size(); ++i) EXPECT_TRUE(fewer.steps[i].reused) << fewer.steps[i].step;
  // One thread or two: the same numbers.
  EXPECT_EQ(fewer.attribution[0].marginal_fixed, result.attribution[0].marginal_fixed);
  EXPECT_EQ(fewer.attribution[0].fixed_without, result.attribution[0].fixed_without);
}

TEST(MitigationLoop, FurtherRoundsStartFromTheLastModelAndResumeLikeTheFirst) {
  LoopOptions options = small_options();
  options.dev_attack_rows = 20;
  options.test_attack_rows = 20;
  options.max_uus = 4;
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const LoopResult one = run_loop(options, {dir / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher});
  ASSERT_TRUE(one.complete);
  ASSERT_EQ(one.rounds.size(), 1u);

  // Two rounds after one: round 1 is reused, round 2 runs from scan_dev@2 on.
  options.rounds = 2;
  const LoopResult two = run_loop(options, {dir / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher});
  ASSERT_TRUE(two.complete);
  EXPECT_EQ(two.key, one.key);
  ASSERT_EQ(two.rounds.size(), 2u);
  const std::vector<std::string> names = round_step_names(2);
  ASSERT_EQ(two.steps.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(two.steps[i].step, names[i]);
    EXPECT_EQ(two.steps[i].reused, i < step_names().size()) << names[i];
  }
  // Round 2's dev UUs are those of round 1's model; its train holds both
  // rounds' samples.
  const auto round2 = two.folder / "round2";
  EXPECT_EQ(two.rounds[1].dev_uus, static_cast<std::int64_t>(test::count_lines(round2 / "uus.jsonl")));
  const auto rows = [](const std::filesystem::path& csv) {
    return data::read_training_split(csv, std::nullopt).examples.size();
  };
  EXPECT_EQ(rows(round2 / "train.augmented.csv"),
            rows(two.folder / "train.augmented.csv") + static_cast<std::size_t>(two.rounds[1].samples_added));
  EXPECT_EQ(two.after.accuracy, two.rounds[1].after.accuracy);
  EXPECT_EQ(two.before.accuracy, one.before.accuracy);

  // Stopped inside round 2 and resumed: the same files as the uninterrupted
  // run.
  test::TempDir pieces;
  auto pieces_db = store::Database::open(pieces / "blindspot.db");
  const LoopResult partial =
      run_loop(options, {pieces / "loop", pieces_db, store::begin_run(pieces_db, "run", "{}", "{}"), auto_teacher},
               {.stop_after = "teach@2"});
  EXPECT_FALSE(partial.complete);
  EXPECT_EQ(partial.steps.back().step, "teach@2");
  const LoopResult resumed =
      run_loop(options, {pieces / "loop", pieces_db, store::begin_run(pieces_db, "run", "{}", "{}"), auto_teacher});
  ASSERT_TRUE(resumed.complete);
  for (const char* file : {"samples.jsonl", "train.augmented.csv", "retrained.bin", "metrics.json"}) {
    EXPECT_EQ(test::read_text(round2 / file), test::read_text(resumed.folder / "round2" / file)) << file;
  }
  EXPECT_THROW(
      run_loop(options, {pieces / "loop", pieces_db, store::begin_run(pieces_db, "run", "{}", "{}"), auto_teacher},
               {.stop_after = "teach@3"}),
      core::Error);
}

}  // namespace
}  // namespace blindspot::loop
