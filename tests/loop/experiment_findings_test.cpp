// The findings' effect rule (docs/statistics.md): a condition "reduces blind spots" only when the
// confident errors an attacker can reach fall with an interval excluding zero and accuracy falls by
// at most the tolerance; every other change is named, and one whose interval holds zero is
// "within noise". Conditions are built by hand: the findings read only their summaries.
#include "experiment_parts.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

using namespace blindspot;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

report::MetricSummary metric(const std::string& name, double mean,
                             std::optional<report::EffectSummary> effect = std::nullopt) {
  report::MetricSummary summary;
  summary.name = name;
  summary.mean = mean;
  summary.effect_vs_none = effect;
  return summary;
}

report::EffectSummary effect(double estimate, double lower, double upper, double p_value) {
  return {estimate, lower, upper, p_value, true, "paired, rows and seeds"};
}

// none: accuracy 0.85, 300 reachable errors, 200 natural UUs, 100 adversarial UUs of 170 attacked.
report::ConditionResult none() {
  report::ConditionResult none;
  none.name = "none";
  none.metrics = {metric("accuracy", 0.85), metric("uus@0.65", 200), metric("adversarial_uus", 100),
                  metric("adversarial_uu_rate", 100.0 / 170), metric("reachable_uus", 300)};
  return none;
}

report::ConditionResult condition(const std::string& name, double accuracy, report::EffectSummary accuracy_effect,
                                  double reachable, report::EffectSummary reachable_effect, double adversarial,
                                  report::EffectSummary adversarial_effect) {
  report::ConditionResult result;
  result.name = name;
  result.cost.accepted_samples = 300;  // the budget, for each of the 3 seeds
  result.metrics = {metric("accuracy", accuracy, accuracy_effect),
                    metric("uus@0.65", 200, report::EffectSummary{0, 0, 0, std::nullopt, false, "no difference"}),
                    metric("adversarial_uus", adversarial, adversarial_effect),
                    metric("adversarial_uu_rate", 0.5, effect(0.5 - 100.0 / 170, -0.2, 0.03, 0.1)),
                    metric("reachable_uus", reachable, reachable_effect)};
  return result;
}

loop::ExperimentConfig config() {
  loop::ExperimentConfig config;
  config.seeds = {0, 1, 2};
  config.loop.sample_budget = 100;
  config.loop.threshold = 0.65;
  config.accuracy_tolerance = 0.01;
  return config;
}

}  // namespace

TEST(ExperimentFindings, FewerAdversarialUusAtThreeAccuracyPointsLessIsNoReduction) {
  // The case: the adversarial UU count falls because fewer rows are read right.
  const auto gamed = condition("auto", 0.82, effect(-0.03, -0.04, -0.02, 0.0001), 260, effect(-40, -60, -20, 0.001), 70,
                               effect(-30, -45, -15, 0.001));
  const auto lines = loop::detail::findings(config(), {none(), gamed});
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], HasSubstr("auto: no measurable reduction of blind spots (the confident errors an attacker "
                                  "can reach fell: 300.0 -> 260.0 (-40.0, 95% interval -60.0 to -20.0), but accuracy "
                                  "fell 3.00 points, more than the tolerance of 1.00)"));
  EXPECT_THAT(lines[0], HasSubstr("fell: accuracy 0.8500 -> 0.8200 (-3.00 points, 95% interval -4.00 to -2.00), "
                                  "adversarial UUs 100.0 -> 70.0 (-30.0, 95% interval -45.0 to -15.0)"));
  EXPECT_THAT(lines[0], Not(HasSubstr("reduces blind spots")));
  EXPECT_FALSE(loop::reduces_blind_spots(*gamed.metrics[4].effect_vs_none, -0.03, 0.01));
}

TEST(ExperimentFindings, ALowerMeanWithinNoiseIsNotFewer) {
  const auto noisy = condition("untargeted", 0.851, effect(0.001, -0.004, 0.006, 0.7), 297, effect(-3, -12, 6, 0.52),
                               97, effect(-3, -9, 3, 0.33));
  const auto lines = loop::detail::findings(config(), {none(), noisy});
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], HasSubstr("untargeted: no measurable reduction of blind spots (the confident errors an "
                                  "attacker can reach are within noise: 300.0 -> 297.0 (-3.0, 95% interval -12.0 to "
                                  "6.0))"));
  EXPECT_THAT(lines[0], HasSubstr("within noise: accuracy 0.8500 -> 0.8510 (+0.10 points, 95% interval -0.40 to "
                                  "0.60), natural UUs (confidence >= 0.65) 200.0 -> 200.0 (+0.0), adversarial UUs "
                                  "100.0 -> 97.0 (-3.0, 95% interval -9.0 to 3.0), adversarial UU rate (per attacked "
                                  "row) 0.588 -> 0.500 (-0.088, 95% interval -0.200 to 0.030)"));
  EXPECT_THAT(lines[0], Not(HasSubstr("fewer")));
  EXPECT_THAT(lines[0], Not(HasSubstr("fell:")));
}

TEST(ExperimentFindings, ARealReductionAtTheSameAccuracyReducesBlindSpots) {
  const auto real = condition("auto", 0.848, effect(-0.002, -0.007, 0.003, 0.4), 250, effect(-50, -70, -30, 0.0002), 60,
                              effect(-40, -55, -25, 0.0001));
  const auto lines = loop::detail::findings(config(), {none(), real});
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], HasSubstr("auto reduces blind spots: confident errors an attacker can reach on test 300.0 "
                                  "-> 250.0 (-50.0, 95% interval -70.0 to -30.0), accuracy -0.20 points (tolerance "
                                  "1.00); fell: adversarial UUs 100.0 -> 60.0 (-40.0, 95% interval -55.0 to -25.0)"));
  EXPECT_THAT(lines[0], HasSubstr("; mean of 3 seeds, 100.0 samples added per seed (budget 100)."));
  EXPECT_TRUE(loop::reduces_blind_spots(*real.metrics[4].effect_vs_none, -0.002, 0.01));
}

TEST(ExperimentFindings, RisingErrorsAreNamedAndAShortBudgetIsFlagged) {
  auto worse = condition("llm", 0.86, effect(0.01, 0.002, 0.018, 0.02), 330, effect(30, 12, 48, 0.003), 120,
                         effect(20, 8, 32, 0.004));
  worse.cost.accepted_samples = 150;
  const auto lines = loop::detail::findings(config(), {none(), worse});
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_THAT(lines[0], HasSubstr("llm: no measurable reduction of blind spots (the confident errors an attacker can "
                                  "reach ROSE: 300.0 -> 330.0 (+30.0, 95% interval 12.0 to 48.0)); rose: accuracy "
                                  "0.8500 -> 0.8600 (+1.00 points, 95% interval 0.20 to "
                                  "1.80), adversarial UUs 100.0 -> 120.0 (+20.0, 95% interval 8.0 to 32.0)"));
  EXPECT_EQ(lines[1],
            "llm produced fewer accepted samples than the budget: the comparison is not at equal budgets "
            "for it.");
}
