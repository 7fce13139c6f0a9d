// A small experiment on sst2 (3 seeds; none, untargeted, auto): equal sample budgets, the
// summaries with intervals over rows and seeds, the reachable confident errors, the findings and
// the report files.

#include "blindspot/loop/experiment.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "blindspot/teach/campaign.hpp"
#include "blindspot/teach/human_teacher.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "blindspot/teach/uu_source.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

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
  config.conditions = {TeacherKind::none, TeacherKind::untargeted, TeacherKind::automatic};
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");
  const auto run = store::begin_run(db, "experiment", "{}", "{}");
  const auto outcome = run_experiment(config, {.root = dir / "loops", .store = db, .run_id = run});
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
    EXPECT_EQ(condition.name == "none", !accuracy.effect_vs_none.has_value());
    // Accuracy, ECE and the reachable errors have per-row outcomes: intervals over rows and seeds
    // (eval::metric_estimate), not the t interval over seeds of a metric without them.
    EXPECT_NE(accuracy.interval, "t over seeds (no per-row values kept)");
    EXPECT_EQ(condition.metrics[2].name, "ece");
    EXPECT_NE(condition.metrics[2].interval, "t over seeds (no per-row values kept)");
    const auto* reachable = report::find_metric(condition, "reachable_uus");
    ASSERT_NE(reachable, nullptr);
    EXPECT_NE(reachable->interval, "t over seeds (no per-row values kept)");
    ASSERT_NE(report::find_metric(condition, "adversarial_uu_rate"), nullptr);
    if (condition.name != "none") {
      ASSERT_TRUE(reachable->effect_vs_none.has_value());
      EXPECT_LE(reachable->effect_vs_none->ci_low, reachable->effect_vs_none->estimate);
    }
    std::int64_t histogram = 0;
    for (const auto count : condition.confidence_histogram) histogram += count;
    EXPECT_EQ(histogram, 3 * 1821);  // sst2 test rows, over 3 seeds
  }
  // none's values are the baselines', seed by seed; the reachable errors are the natural UUs plus
  // the adversarial UUs of the rows read right, one per test row at most.
  for (std::size_t s = 0; s < 3; ++s) {
    const TestMetrics& before = outcome.loops[s][0].before;
    EXPECT_EQ(report.conditions[0].metrics.front().per_seed[s], before.accuracy);
    ASSERT_EQ(before.reachable.size(), 1821u);
    std::int64_t natural = 0;
    for (const auto& [threshold, count] : before.uu_counts) natural += threshold == 0.65 ? count : 0;
    EXPECT_EQ(before.reachable_errors, natural + before.adversarial_uus);
    EXPECT_EQ(report::find_metric(report.conditions[0], "reachable_uus")->per_seed[s],
              static_cast<double>(before.reachable_errors));
    ASSERT_EQ(before.attack_rows.size(), 60u);
    std::int64_t attacked = 0;
    for (const int a : before.attacked) attacked += a;
    EXPECT_EQ(attacked, before.adversarial_attacked);
  }
  EXPECT_EQ(report.conditions[2].cost.accepted_samples, 36);
  ASSERT_FALSE(report.blind_spots.empty());
  EXPECT_THAT(report.blind_spots[0].description, HasSubstr(" read as "));
  EXPECT_FALSE(report.blind_spots[0].representatives.empty());
  EXPECT_FALSE(report.blind_spots[0].representatives[0].empty());
  EXPECT_FALSE(report.blind_spots[0].top_tokens.empty());
  // untargeted, listed first, writes no hypotheses: the blind spots show auto's.
  bool any_hypothesis = false;
  for (const auto& spot : report.blind_spots) any_hypothesis = any_hypothesis || !spot.hypotheses.empty();
  EXPECT_TRUE(any_hypothesis);
  // One finding per condition by the effect rule, then one per seed's baseline.
  ASSERT_GE(report.findings.size(), 2u);
  EXPECT_THAT(report.findings[0], testing::StartsWith("untargeted"));
  EXPECT_THAT(report.findings[1], testing::StartsWith("auto"));
  EXPECT_THAT(report.findings[1], HasSubstr("adversarial UUs"));
  EXPECT_THAT(report.findings[1], testing::AnyOf(HasSubstr("reduces blind spots"), HasSubstr("no measurable")));

  report::write_html(dir / "report.html", report);
  EXPECT_THAT(test::read_text(dir / "report.html"), HasSubstr("untargeted"));
}

TEST(Experiment, TheHumanConditionTeachesWhatAnnotatorsSubmittedAndCostsTheirTime) {
  ExperimentConfig config;
  config.name = "human";
  config.loop.data = test::shared_data("sst2");
  config.loop.dev_attack_rows = 0;
  config.loop.test_attack_rows = 20;
  config.loop.sample_budget = 3;
  config.loop.attribution = 0;
  config.loop.threads = 2;
  config.seeds = {0, 1, 2};
  config.conditions = {TeacherKind::none, TeacherKind::human};
  config.hourly_wage_usd = 20;
  config.platform_fee = 0.2;
  test::TempDir dir;
  auto db = store::Database::open(dir / "blindspot.db");

  // Every dev UU is taught (none held out), so that the annotated ones reach the teacher.
  config.loop.held_out_share = 0;
  // Dev UUs of every seed's baseline (seeds train different models, so their UUs differ), as
  // `blindspot serve --uus <loop>/uus.jsonl` would offer them: the annotated ones are UUs of all.
  const data::LabelSet labels({"negative", "positive"});
  std::vector<discover::Uu> uus;
  std::map<std::string, int> seeds_with;
  for (const std::uint64_t seed : config.seeds) {
    LoopOptions first = config.loop;
    first.seed = seed;
    first.model.seed = static_cast<int>(seed);
    const auto grouped = run_loop(first,
                                  {dir / "loops", db, store::begin_run(db, "run", "{}", "{}"),
                                   [](const TeacherInputs&) -> std::unique_ptr<teach::Teacher> { return nullptr; }},
                                  {.stop_after = "group"});
    for (auto& uu : teach::read_uus_file(grouped.folder.parent_path() / "uus.jsonl", labels)) {
      if (++seeds_with[uu.id] == 3) uus.push_back(std::move(uu));
    }
  }
  ASSERT_GE(uus.size(), 2u);
  const auto campaign = store::begin_run(db, "serve", "{}", "{}");
  teach::create_campaign(db, {campaign, labels, {uus[0], uus[1]}, "{}"});
  const auto ada = store::add_annotator(db, campaign, "ada", std::string(64, 'a'));
  for (int u = 0; u < 2; ++u) {
    const auto& uu = uus[static_cast<std::size_t>(u)];
    store::SubmissionRecord s;
    s.assignment_id = store::insert_assignment(db, {0, campaign, ada, uu.id, "done", "", 1.0, 0, {}, {}});
    s.run_id = campaign;
    s.annotator_id = ada;
    s.uu_id = uu.id;
    s.abstraction = "reviews that praise one part and pan another";
    s.extrapolation = "mixed reviews the other way round";
    s.samples_json = nlohmann::json::array(
                         {{{"text", "the acting is superb but the plot is a dull , lifeless mess " + std::to_string(u)},
                           {"label", "negative"}},
                          {{"text",
                            "a dull start , yet the ending is moving and beautifully "
                            "played " +
                                std::to_string(u)},
                           {"label", "positive"}}})
                         .dump();
    s.abstraction_seconds = 60;
    s.extrapolation_seconds = 30;
    s.generation_seconds = 90;
    s.active_seconds = 180;
    s.submitted_at = "2026-01-01T00:00:00Z";
    store::save_submission(db, s);
  }
  config.human_campaign = campaign;

  const auto run = store::begin_run(db, "experiment", "{}", "{}");
  const auto outcome = run_experiment(config, {.root = dir / "loops", .store = db, .run_id = run});
  for (const auto& seed_loops : outcome.loops) {
    ASSERT_EQ(seed_loops.size(), 1u);
    EXPECT_EQ(seed_loops[0].hypotheses, 4);     // an abstraction and an extrapolation per submission
    EXPECT_EQ(seed_loops[0].samples_added, 3);  // 4 accepted, the budget is 3
  }
  const auto samples = teach::read_samples_jsonl(outcome.loops[0][0].folder / "samples.jsonl");
  ASSERT_EQ(samples.size(), 4u);
  EXPECT_THAT(samples[0].id, testing::StartsWith("human:A:" + uus[0].id + ":"));
  const auto& human = outcome.report.conditions.at(1);
  EXPECT_EQ(human.name, "human");
  // 2 submissions x 180 s = 0.1 h x $20 x 1.2 = $2.40 per campaign, counted for each of 3 seeds.
  EXPECT_DOUBLE_EQ(human.cost.human_active_seconds, 3 * 360.0);
  EXPECT_NEAR(human.cost.human_usd, 3 * 2.40, 1e-9);
  EXPECT_EQ(human.cost.hypotheses, 12);
  EXPECT_NEAR(*human.cost.usd_per_hypothesis, 7.20 / 12, 1e-9);
  EXPECT_NEAR(*human.cost.usd_per_accepted_sample, 7.20 / 9, 1e-9);
}

}  // namespace
}  // namespace blindspot::loop
