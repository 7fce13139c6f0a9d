// The plain findings of an experiment's report: per condition against none, including what did
// not work, and what the human campaign cost.

#include "experiment_parts.hpp"

#include "blindspot/teach/human_teacher.hpp"

#include <fmt/core.h>

namespace blindspot::loop::detail {
namespace {

// Every condition has these: named_metrics() makes them for every model.
const report::MetricSummary& metric(const report::ConditionResult& condition, std::string_view name) {
  return *report::find_metric(condition, name);
}

std::string comparison(const ExperimentConfig& config, const report::ConditionResult& none,
                       const report::ConditionResult& condition) {
  const auto& adversarial = metric(condition, "adversarial_uus");
  const auto& accuracy = metric(condition, "accuracy");
  const double before = metric(none, "adversarial_uus").mean;
  const std::string p =
      adversarial.p_value_vs_none ? fmt::format("p = {:.3f}", *adversarial.p_value_vs_none) : "p undefined";
  const std::string verdict =
      adversarial.mean < before
          ? "fewer adversarial UUs on test than"
          : (adversarial.mean > before ? "MORE adversarial UUs on test than" : "as many adversarial UUs on test as");
  return fmt::format(
      "{}: {} none ({:.1f} vs {:.1f}, mean of {} seeds, paired t-test {}); accuracy "
      "{:.4f} vs {:.4f} ({:+.2f} points); {:.1f} samples added per seed on average (budget {}).",
      condition.name, verdict, adversarial.mean, before, config.seeds.size(), p, accuracy.mean,
      metric(none, "accuracy").mean, 100 * (accuracy.mean - metric(none, "accuracy").mean),
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

}  // namespace blindspot::loop::detail
