// The plain findings of an experiment's report: per condition against none by the effect rule
// (docs/statistics.md), including what did not work; each seed's baseline; what the human
// campaign cost.

#include "experiment_parts.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/teach/human_teacher.hpp"

#include <fmt/core.h>

#include <cmath>

namespace blindspot::loop {
namespace detail {
namespace {

// The metric named `name` of `condition`; every condition has the rule's metrics (condition_result).
const report::MetricSummary& metric(const report::ConditionResult& condition, std::string_view name) {
  const report::MetricSummary* found = report::find_metric(condition, name);
  if (found == nullptr) {
    throw core::Error(core::ErrorKind::internal, fmt::format("condition {} has no metric {}", condition.name, name));
  }
  return *found;
}

// The metrics the rule and its findings speak of, with their names in words.
struct RuleMetric {
  std::string name;
  std::string words;
};

std::vector<RuleMetric> rule_metrics(double threshold) {
  return {{"reachable_uus", "confident errors an attacker can reach on test"},
          {"accuracy", "accuracy"},
          {fmt::format("uus@{:.2f}", threshold), fmt::format("natural UUs (confidence >= {:.2f})", threshold)},
          {"adversarial_uus", "adversarial UUs"},
          {"adversarial_uu_rate", "adversarial UU rate (per attacked row)"}};
}

bool is_accuracy(const std::string& name) { return name == "accuracy"; }

// "0.8312 -> 0.8001 (-3.11 points, 95% interval -4.02 to -2.20)", "310.0 -> 250.0 (-60.0, 95%
// interval -80.0 to -41.0)": none's mean, the condition's, and the paired effect.
std::string change_text(const report::MetricSummary& none, const report::MetricSummary& condition) {
  const report::EffectSummary& effect = *condition.effect_vs_none;
  const bool accuracy = is_accuracy(condition.name);
  const bool count = report::is_uu_count_metric(condition.name);
  const int decimals = count ? 1 : (accuracy ? 4 : 3);
  // Accuracy changes read in points (hundredths); the tolerance is stated in points too.
  const double scale = accuracy ? 100 : 1;
  const int change_decimals = count ? 1 : (accuracy ? 2 : 3);
  std::string text = fmt::format("{:.{}f} -> {:.{}f} ({:+.{}f}{}", none.mean, decimals, condition.mean, decimals,
                                 scale * effect.estimate, change_decimals, accuracy ? " points" : "");
  if (std::isfinite(effect.ci_low) && std::isfinite(effect.ci_high) && effect.p_value) {
    text += fmt::format(", {:.0f}% interval {:.{}f} to {:.{}f}", 100 * 0.95, scale * effect.ci_low, change_decimals,
                        scale * effect.ci_high, change_decimals);
  } else if (!effect.varied_across_seeds && effect.estimate != 0 && !effect.p_value) {
    text += ", no variation across seeds";
  }
  return text + ")";
}

// What rose, what fell (intervals excluding zero) and what stayed within noise, of the rule's
// metrics but the first.
std::string changes(const ExperimentConfig& config, const report::ConditionResult& none,
                    const report::ConditionResult& condition) {
  std::vector<std::string> rose, fell, noise;
  const auto metrics = rule_metrics(config.loop.threshold);
  for (std::size_t i = 1; i < metrics.size(); ++i) {
    const auto* mine = report::find_metric(condition, metrics[i].name);
    const auto* reference = report::find_metric(none, metrics[i].name);
    if (mine == nullptr || reference == nullptr || !mine->effect_vs_none || !std::isfinite(mine->mean)) continue;
    const std::string text = metrics[i].words + " " + change_text(*reference, *mine);
    const report::EffectSummary& effect = *mine->effect_vs_none;
    if (effect.excludes_zero()) {
      (effect.estimate > 0 ? rose : fell).push_back(text);
    } else {
      noise.push_back(text);
    }
  }
  const auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
    return out;
  };
  std::string out;
  if (!rose.empty()) out += "; rose: " + join(rose);
  if (!fell.empty()) out += "; fell: " + join(fell);
  if (!noise.empty()) out += "; within noise: " + join(noise);
  return out;
}

// Why the rule was not met, in words, with the reachable errors' change.
std::string why_not(const report::MetricSummary& none_reachable, const report::MetricSummary& reachable,
                    const report::MetricSummary& accuracy, double tolerance) {
  const report::EffectSummary& errors = *reachable.effect_vs_none;
  std::string reason = "the confident errors an attacker can reach ";
  if (!errors.excludes_zero()) {
    reason += "are within noise";
  } else {
    reason += errors.estimate > 0 ? "ROSE" : "fell";
  }
  reason += ": " + change_text(none_reachable, reachable);
  const double accuracy_change = accuracy.effect_vs_none->estimate;
  if (accuracy_change < -tolerance) {
    reason += fmt::format(", but accuracy fell {:.2f} points, more than the tolerance of {:.2f}",
                          -100 * accuracy_change, 100 * tolerance);
  }
  return reason;
}

bool reachable_reduced(const report::MetricSummary& reachable, const report::MetricSummary& accuracy,
                       double accuracy_tolerance) {
  if (!reachable.effect_vs_none || !accuracy.effect_vs_none) return false;
  return reduces_blind_spots(*reachable.effect_vs_none, accuracy.effect_vs_none->estimate, accuracy_tolerance);
}

std::string comparison(const ExperimentConfig& config, const report::ConditionResult& none,
                       const report::ConditionResult& condition) {
  const auto& reachable = metric(condition, "reachable_uus");
  const auto& accuracy = metric(condition, "accuracy");
  const double tolerance = config.accuracy_tolerance;
  const bool reduces = reachable_reduced(reachable, accuracy, tolerance);
  std::string line = reduces
                         ? fmt::format(
                               "{} reduces blind spots: confident errors an attacker can reach on test {}, accuracy "
                               "{:+.2f} points (tolerance {:.2f})",
                               condition.name, change_text(metric(none, "reachable_uus"), reachable),
                               100 * accuracy.effect_vs_none->estimate, 100 * tolerance)
                         : fmt::format("{}: no measurable reduction of blind spots ({})", condition.name,
                                       why_not(metric(none, "reachable_uus"), reachable, accuracy, tolerance));
  line += changes(config, none, condition);
  return line +
         fmt::format("; mean of {} seeds, {:.1f} samples added per seed (budget {}).", config.seeds.size(),
                     static_cast<double>(condition.cost.accepted_samples) / static_cast<double>(config.seeds.size()),
                     config.loop.sample_budget);
}

}  // namespace

std::vector<std::string> findings(const ExperimentConfig& config,
                                  const std::vector<report::ConditionResult>& conditions) {
  std::vector<std::string> out;
  const report::ConditionResult& none = conditions.front();
  for (std::size_t c = 1; c < conditions.size(); ++c) {
    const auto& condition = conditions[c];
    out.push_back(comparison(config, none, condition));
    if (static_cast<std::size_t>(condition.cost.accepted_samples) < config.loop.sample_budget * config.seeds.size()) {
      out.push_back(
          fmt::format("{} produced fewer accepted samples than the budget: the comparison is not at "
                      "equal budgets for it.",
                      condition.name));
    }
  }
  return out;
}

std::vector<std::string> baseline_findings(const ExperimentConfig& config, const ExperimentLoops& loops) {
  std::vector<std::string> out;
  for (std::size_t s = 0; s < loops.loops.size() && s < config.seeds.size(); ++s) {
    const LoopResult& loop = loops.loops[s].front();
    const eval::BaselineCheck& check = loop.baseline_check;
    // Not filled (a loop that never checked its baseline): nothing to say.
    if (check.majority_label.empty()) continue;
    std::string line =
        fmt::format("seed {} baseline{}: test accuracy {:.4f} against the majority-class rate {:.4f} (always \"{}\")",
                    config.seeds[s], loop.baseline_settings.empty() ? "" : " (" + loop.baseline_settings + ")",
                    check.accuracy, check.majority_rate, check.majority_label);
    if (check.train_accuracy) line += fmt::format(" and its train-set accuracy {:.4f}", *check.train_accuracy);
    for (const auto& warning : check.warnings) line += "; " + warning;
    out.push_back(line + ".");
  }
  return out;
}

std::optional<std::string> label_issue_finding(const ExperimentConfig& config, const ExperimentLoops& loops) {
  if (!config.loop.label_issues || loops.loops.empty()) return std::nullopt;
  // Round 1's dev scan is the baseline's, shared by every condition of a seed: one count per seed.
  double flagged = 0;
  double dev_uus = 0;
  for (const auto& seed_loops : loops.loops) {
    const LoopResult& loop = seed_loops.front();
    const bool has_round = !loop.rounds.empty();
    flagged += static_cast<double>(has_round ? loop.rounds.front().dev_label_issues : loop.dev_label_issues);
    dev_uus += static_cast<double>(has_round ? loop.rounds.front().dev_uus : loop.dev_uus);
  }
  const double seeds = static_cast<double>(loops.loops.size());
  return fmt::format(
      "label issues: {:.1f} of the baseline's {:.1f} dev UUs per seed are probable label issues ({}-fold confident "
      "learning), counted apart from blind spots; {}.",
      flagged / seeds, dev_uus / seeds, config.loop.label_folds,
      config.loop.teach_label_issues ? "they were taught (teach_label_issues)"
                                     : "they were not taught, and not held out to count as fixed");
}

}  // namespace detail

bool reduces_blind_spots(const report::EffectSummary& reachable_errors, double accuracy_change,
                         double accuracy_tolerance) {
  return reachable_errors.estimate < 0 && reachable_errors.excludes_zero() && accuracy_change >= -accuracy_tolerance;
}

namespace detail {

std::string human_campaign_finding(store::Database& store, const ExperimentConfig& config) {
  const auto campaign = teach::human_campaign_cost(store, config.human_campaign);
  return fmt::format(
      "human: campaign {} holds {} complete submissions ({} hypotheses, {} samples) from {} annotators, {:.1f} h of "
      "paid active time (incomplete work included), ${:.2f} at ${:.2f}/h plus a {:.0f}% platform fee; the cost "
      "table counts it once per seed.",
      config.human_campaign, campaign.submissions, campaign.hypotheses, campaign.samples, campaign.by_annotator.size(),
      campaign.paid_active_seconds() / 3600,
      teach::human_cost_usd(campaign.paid_active_seconds(), config.hourly_wage_usd, config.platform_fee),
      config.hourly_wage_usd, 100 * config.platform_fee);
}

}  // namespace detail
}  // namespace blindspot::loop
