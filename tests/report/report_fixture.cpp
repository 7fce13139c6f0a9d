#include "report_fixture.hpp"

#include <cmath>
#include <limits>

namespace blindspot::test {
namespace {

using report::ConditionResult;
using report::MetricSummary;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// An effect against none: `estimate` +- `half_width`, tested with `p_value`.
report::EffectSummary effect(double estimate, double half_width, std::optional<double> p_value) {
  return {estimate, estimate - half_width, estimate + half_width, p_value, true, "paired, rows and seeds"};
}

// Two conditions that agree on every row of every seed.
report::EffectSummary no_difference() { return {0, kNaN, kNaN, std::nullopt, false, "paired, rows and seeds"}; }

MetricSummary metric(const std::string& name, bool lower_is_better, std::vector<double> per_seed,
                     std::optional<report::EffectSummary> effect_vs_none) {
  MetricSummary summary;
  summary.name = name;
  summary.lower_is_better = lower_is_better;
  double sum = 0;
  for (const double value : per_seed) sum += value;
  summary.mean = sum / static_cast<double>(per_seed.size());
  double squares = 0;
  for (const double value : per_seed) squares += (value - summary.mean) * (value - summary.mean);
  summary.sd = std::sqrt(squares / static_cast<double>(per_seed.size() - 1));
  summary.ci_low = summary.mean - summary.sd;
  summary.ci_high = summary.mean + summary.sd;
  summary.per_seed = std::move(per_seed);
  summary.effect_vs_none = std::move(effect_vs_none);
  return summary;
}

// A count without per-row values that gave 3 on every seed (4 for a condition): no interval.
MetricSummary unvaried_count(bool is_none) {
  MetricSummary summary = metric("uus@0.95", true, {3, 3, 3}, std::nullopt);
  if (!is_none)
    summary = metric("uus@0.95", true, {4, 4, 4},
                     report::EffectSummary{1, kNaN, kNaN, std::nullopt, false, "paired t over seeds"});
  summary.varied_across_seeds = false;
  summary.ci_low = summary.ci_high = kNaN;
  summary.interval = "t over seeds (no per-row values kept)";
  return summary;
}

// 15 bins of width 1/15 as eval::calibration gives them; confidences of a binary task fill the
// upper half. `overconfidence` lowers the accuracy below the confidence.
std::vector<report::ReliabilityBin> bins(double overconfidence) {
  std::vector<report::ReliabilityBin> out;
  for (int b = 0; b < 15; ++b) {
    report::ReliabilityBin bin;
    bin.lower = b / 15.0;
    bin.upper = (b + 1) / 15.0;
    if (b >= 7) {
      bin.count = 40 + 30 * (b - 7);
      bin.mean_confidence = (bin.lower + bin.upper) / 2;
      bin.accuracy = std::max(0.0, bin.mean_confidence - overconfidence * (b - 6) / 8.0);
    }
    out.push_back(bin);
  }
  return out;
}

ConditionResult condition(const std::string& name, const std::string& teacher, double shift, double overconfidence) {
  ConditionResult result;
  result.name = name;
  result.teacher = teacher;
  const bool is_none = name == "none";
  const auto versus_none = [&](const report::EffectSummary& value) {
    return is_none ? std::nullopt : std::optional<report::EffectSummary>(value);
  };
  result.metrics = {
      metric("accuracy", false, {0.861 + shift / 100, 0.866 + shift / 100, 0.858 + shift / 100},
             versus_none(effect(shift / 100, 0.025, 0.41))),
      metric("macro_f1", false, {0.860, 0.865, 0.857}, versus_none(no_difference())),
      metric("ece", true, {0.05 - shift / 100, 0.06 - shift / 100, 0.055 - shift / 100},
             versus_none(effect(-shift / 100, 0.005, 0.0004))),
      metric("uus@0.65", true, {120 - 10 * shift, 131 - 10 * shift, 127 - 10 * shift},
             versus_none(effect(-10 * shift, 6, 0.03))),
      metric("adversarial_uus", true, {41 - 5 * shift, 44 - 5 * shift, 39 - 5 * shift},
             versus_none(effect(-5 * shift, 8, 0.2))),
      unvaried_count(is_none),
  };
  result.reliability = bins(overconfidence);
  result.confidence_histogram = {30, 35, 40, 50, 60, 80, 110, 150, 240, 600 - static_cast<std::int64_t>(40 * shift)};
  return result;
}

}  // namespace

report::ExperimentReport hostile_report() {
  const auto& hostile = hostile_texts();
  report::ExperimentReport out;
  out.title = "imdb: " + hostile[0];
  out.dataset = "../shared/data/imdb " + hostile[2];
  out.created_at = "2025-01-02T03:04:05Z";
  out.seeds = {1, 2, 3};
  out.sample_budget = 500;

  auto none = condition("none", "", 0, 0.20);
  auto auto_teacher = condition("auto", "auto (baseline)", 1, 0.12);
  auto_teacher.cost.wall_seconds = 42.5;
  auto_teacher.cost.hypotheses = 12;
  auto_teacher.cost.accepted_samples = 1500;
  auto_teacher.cost.uus_removed = 5;
  auto llm = condition("llm " + hostile[1], "llm:" + hostile[2], 2, 0.08);
  llm.cost.llm_prompt_tokens = 123456;
  llm.cost.llm_completion_tokens = 65432;
  llm.cost.llm_usd = 0.0421;
  llm.cost.llm_unpriced = true;
  llm.cost.human_active_seconds = 5400;
  llm.cost.human_usd = 22.5;
  llm.cost.wall_seconds = 3725;
  llm.cost.hypotheses = 24;
  llm.cost.accepted_samples = 1490;
  llm.cost.uus_removed = 10;
  llm.cost.usd_per_hypothesis = 22.5421 / 24;
  llm.cost.usd_per_accepted_sample = 22.5421 / 1490;
  llm.cost.usd_per_uu_removed = 2.25421;
  // An undefined metric, as a condition without challenge-set results would have.
  llm.metrics.push_back(metric("cad:accuracy", false, {0.7, 0.71, 0.69}, std::nullopt));
  llm.metrics.back().mean = std::numeric_limits<double>::quiet_NaN();
  out.conditions = {none, auto_teacher, llm};

  report::BlindSpotSummary first;
  first.id = 1;
  first.size = 12;
  first.description = "negative read as positive " + hostile[4];
  first.top_tokens = {"<b>", "&amp;", "w0rst", "\"quote\""};
  first.representatives = {hostile[3] + " " + std::string(900, 'x'), hostile[0], "bad bytes \xff\xfe here \x01 end"};
  first.hypotheses = {"[llm] " + hostile[1], "[auto] typos in sentiment words " + hostile[5]};
  first.samples = {{hostile[0] + " a sample", "pos<itive>"}, {"naïve café — 映画 " + hostile[2], "negative"}};
  first.fixed_by_condition = {{"none", 0}, {"auto", 3.7}, {llm.name, 6}};
  first.attribution = {{"auto", "typos in sentiment words " + hostile[0], 4, 3, 5, 2, 1, true, false},
                       {llm.name, hostile[1], 2, -1, 0, 1, 0, false, false}};
  report::BlindSpotSummary second;
  second.id = 2;
  second.size = 0;
  second.description = hostile[5];
  out.blind_spots = {first, second};

  out.findings = {"The auto teacher removed 5 adversarial UUs on average; " + hostile[0],
                  "Accuracy stayed within 1 point " + hostile[5]};
  return out;
}

}  // namespace blindspot::test
