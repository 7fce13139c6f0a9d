// A small experiment on sst2 (3 seeds; none, untargeted, auto): equal sample budgets, the
// summaries and the report files.

#include "blindspot/loop/experiment.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace blindspot::loop {
namespace {

using ::testing::HasSubstr;

TEST(Experiment, ConditionsGetEqualBudgetsAndTheReportSummarisesEverySeed) {
  ExperimentConfig config;
  config.name = "small";
  config.loop.data = test::shared_data("sst2");
  config.loop.dev_attack_rows = 60;
  config.loop.test_attack_rows = 60;
  config.loop.max_uus = 8;
  config.loop.sample_budget = 12;
  config.loop.threads = 2;
  config.seeds = {0, 1, 2};
  config.conditions = {"none", "untargeted", "auto"};
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const auto run = store::begin_run(db, "experiment", "{}", "{}");
  const ConditionTeachers teachers = [&](const std::string& condition, std::uint64_t seed) -> TeacherFactory {
    return [condition, seed, &config](const TeacherInputs& inputs) -> std::unique_ptr<teach::Teacher> {
      if (condition == "untargeted") {
        return std::make_unique<augment::UntargetedTeacher>(inputs.train, 2 * config.loop.sample_budget, seed);
      }
      teach::AutoTeacherOptions options;
      options.seed = seed;
      return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, options);
    };
  };
  const auto outcome = run_experiment(config, dir / "loops", db, run, teachers,
                                      [](const std::string&) { return report::ConditionCost{}; });
  ASSERT_EQ(outcome.loops.size(), 3u);
  for (const auto& seed_loops : outcome.loops) {
    ASSERT_EQ(seed_loops.size(), 2u);
    // Equal budgets: both conditions added exactly the budget.
    EXPECT_EQ(seed_loops[0].samples_added, 12);
    EXPECT_EQ(seed_loops[1].samples_added, 12);
    // Both conditions of a seed share the baseline.
    EXPECT_EQ(seed_loops[0].folder.parent_path(), seed_loops[1].folder.parent_path());
    EXPECT_EQ(seed_loops[0].before.accuracy, seed_loops[1].before.accuracy);
  }
  const auto& report = outcome.report;
  ASSERT_EQ(report.conditions.size(), 3u);
  EXPECT_EQ(report.conditions[0].name, "none");
  for (const auto& condition : report.conditions) {
    const auto& accuracy = condition.metrics.front();
    EXPECT_EQ(accuracy.name, "accuracy");
    ASSERT_EQ(accuracy.per_seed.size(), 3u);
    EXPECT_NEAR(accuracy.mean, (accuracy.per_seed[0] + accuracy.per_seed[1] + accuracy.per_seed[2]) / 3, 1e-12);
    EXPECT_LE(accuracy.ci_low, accuracy.mean);
    EXPECT_GE(accuracy.ci_high, accuracy.mean);
    EXPECT_EQ(condition.name == "none", !accuracy.p_value_vs_none.has_value());
    // Accuracy has per-example outcomes: its interval is a bootstrap over test examples; ECE's is t.
    EXPECT_EQ(accuracy.interval, "bootstrap over test examples");
    EXPECT_EQ(condition.metrics[2].name, "ece");
    EXPECT_EQ(condition.metrics[2].interval, "t over seeds");
    std::int64_t histogram = 0;
    for (const auto count : condition.confidence_histogram) histogram += count;
    EXPECT_EQ(histogram, 3 * 1821);  // sst2 test rows, over 3 seeds
  }
  // none's values are the baselines', seed by seed.
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(report.conditions[0].metrics.front().per_seed[s], outcome.loops[s][0].before.accuracy);
  }
  EXPECT_EQ(report.conditions[2].cost.accepted_samples, 36);
  ASSERT_FALSE(report.blind_spots.empty());
  EXPECT_THAT(report.blind_spots[0].description, HasSubstr(" read as "));
  EXPECT_FALSE(report.blind_spots[0].representatives.empty());
  EXPECT_FALSE(report.blind_spots[0].representatives[0].empty());
  EXPECT_FALSE(report.blind_spots[0].top_tokens.empty());
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_THAT(report.findings[1], HasSubstr("auto: "));
  EXPECT_THAT(report.findings[1], HasSubstr("adversarial UUs on test"));

  report::write_html(dir / "report.html", report);
  EXPECT_THAT(test::read_text(dir / "report.html"), HasSubstr("untargeted"));
}

}  // namespace
}  // namespace blindspot::loop
