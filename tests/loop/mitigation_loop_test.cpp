// The mitigation loop on sst2 with the automatic teacher: a run stopped after every step and
// resumed ends exactly like an uninterrupted one, without redoing finished steps.

#include "blindspot/loop/mitigation_loop.hpp"

#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
      run_loop(options, whole / "loop", whole_db, store::begin_run(whole_db, "run", "{}", "{}"), auto_teacher);
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
    const LoopResult partial = run_loop(options, pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"),
                                        auto_teacher, step_names()[i]);
    ASSERT_EQ(partial.steps.size(), i + 1);
    for (std::size_t j = 0; j < i; ++j) EXPECT_TRUE(partial.steps[j].reused) << step_names()[j];
    EXPECT_FALSE(partial.steps[i].reused) << step_names()[i];
    EXPECT_EQ(partial.key, reference.key);
  }
  const LoopResult resumed =
      run_loop(options, pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher);
  ASSERT_TRUE(resumed.complete);
  for (const auto& step : resumed.steps) EXPECT_TRUE(step.reused) << step.step;
  for (const char* file : {"baseline.bin", "uus.jsonl"}) {
    EXPECT_EQ(test::read_text(reference.folder.parent_path() / file), test::read_text(resumed.folder.parent_path() / file))
        << file;
  }
  for (const char* file : {"samples.jsonl", "train.augmented.csv", "retrained.bin", "metrics.json"}) {
    EXPECT_EQ(test::read_text(reference.folder / file), test::read_text(resumed.folder / file)) << file;
  }

  // A damaged output makes its step run again.
  test::write_text(resumed.folder / "metrics.json", "{}");
  const LoopResult repaired =
      run_loop(options, pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher);
  EXPECT_FALSE(repaired.steps.back().reused);
  EXPECT_EQ(test::read_text(reference.folder / "metrics.json"), test::read_text(resumed.folder / "metrics.json"));

  // Another teacher on the same baseline reuses the steps before teaching.
  LoopOptions other_teacher = options;
  other_teacher.max_uus = 3;
  const LoopResult sibling =
      run_loop(other_teacher, pieces / "loop", db, store::begin_run(db, "run", "{}", "{}"), auto_teacher, "group");
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

}  // namespace
}  // namespace blindspot::loop
