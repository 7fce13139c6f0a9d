// An experiment's summary of one condition over seeds (docs/experiment.md, "What is reported per
// condition").

#include "experiment_parts.hpp"

#include "blindspot/eval/statistics.hpp"
#include "blindspot/report/reliability.hpp"

#include <fmt/core.h>

#include <map>
#include <optional>

namespace blindspot::loop::detail {
namespace {

// Every metric a condition is compared on, by name, from one model's test metrics.
std::vector<std::pair<std::string, double>> named_metrics(const TestMetrics& m) {
  std::vector<std::pair<std::string, double>> out = {
      {"accuracy", m.accuracy}, {"macro_f1", m.macro_f1}, {"ece", m.ece}, {"brier", m.brier}};
  for (const auto& [threshold, count] : m.uu_counts) {
    out.emplace_back(fmt::format("uus@{:.2f}", threshold), static_cast<double>(count));
  }
  out.emplace_back("adversarial_uus", static_cast<double>(m.adversarial_uus));
  for (const auto& entry : m.challenge) out.push_back(entry);
  return out;
}

bool lower_is_better(const std::string& name) {
  return name == "ece" || name == "brier" || report::is_uu_count_metric(name);
}

report::MetricSummary summarise(const std::string& name, const std::vector<double>& values,
                                const std::vector<double>* none) {
  report::MetricSummary summary;
  summary.name = name;
  summary.lower_is_better = lower_is_better(name);
  summary.per_seed = values;
  summary.mean = eval::mean(values);
  summary.sd = eval::sample_standard_deviation(values);
  const eval::Interval interval = eval::t_interval(values);
  summary.ci_low = interval.lower;
  summary.ci_high = interval.upper;
  summary.interval = "t over seeds";
  if (none != nullptr) {
    bool differs = false;
    for (std::size_t i = 0; i < values.size(); ++i) differs = differs || values[i] != (*none)[i];
    if (!differs) {
      summary.p_value_vs_none = 1.0;
    } else {
      const eval::PairedTTest test = eval::paired_t_test(*none, values);
      // Identical differences on every seed leave no variance to test against.
      if (test.standard_error > 0) summary.p_value_vs_none = test.p_value;
    }
  }
  return summary;
}

// Percentile bootstrap (95%) over test examples of the mean over seeds of a per-example
// statistic: the mean (accuracy) or the sum (UU counts) of 0/1 values. The same resampled rows
// are used for every seed. nullopt when the seeds' vectors differ in length or are empty.
std::optional<eval::Interval> example_bootstrap(const std::vector<const std::vector<int>*>& per_seed, bool sum,
                                                std::uint64_t seed) {
  const std::size_t n = per_seed.front()->size();
  for (const auto* values : per_seed) {
    if (values->size() != n || n == 0) return std::nullopt;
  }
  eval::BootstrapOptions options;
  options.seed = seed;
  return eval::bootstrap_interval(
      n,
      [&](const std::vector<std::size_t>& rows) {
        double total = 0;
        for (const auto* values : per_seed) {
          double statistic = 0;
          for (const std::size_t row : rows) statistic += (*values)[row];
          total += sum ? statistic : statistic / static_cast<double>(rows.size());
        }
        return total / static_cast<double>(per_seed.size());
      },
      options);
}

std::optional<double> per(double usd, double count) {
  if (count <= 0) return std::nullopt;
  return usd / count;
}

// Every metric's values over seeds of `condition`, by name.
std::map<std::string, std::vector<double>> values_by_name(const ExperimentLoops& loops, TeacherKind condition,
                                                          std::size_t seeds) {
  std::map<std::string, std::vector<double>> values;
  for (std::size_t s = 0; s < seeds; ++s) {
    for (const auto& [name, value] : named_metrics(loops.metrics_of(condition, s))) values[name].push_back(value);
  }
  return values;
}

// Mean, sd, t interval and (against none) paired t-test of every metric, in named_metrics() order.
std::vector<report::MetricSummary> metric_summaries(const ExperimentConfig& config, const ExperimentLoops& loops,
                                                    TeacherKind condition) {
  const std::size_t seeds = config.seeds.size();
  std::map<std::string, std::vector<double>> none_values = values_by_name(loops, TeacherKind::none, seeds);
  std::map<std::string, std::vector<double>> values = values_by_name(loops, condition, seeds);
  std::vector<report::MetricSummary> summaries;
  for (const auto& [name, unused] : named_metrics(loops.loops.front().front().before)) {
    summaries.push_back(summarise(name, values[name], condition == TeacherKind::none ? nullptr : &none_values[name]));
  }
  return summaries;
}

// Accuracy and UU counts have per-example outcomes: their interval is a bootstrap over test
// examples (the t interval over 3 seeds stays for ECE, Brier and macro-F1).
void add_example_intervals(std::vector<report::MetricSummary>& summaries, const ExperimentConfig& config,
                           const ExperimentLoops& loops, TeacherKind condition) {
  std::vector<const TestMetrics*> per_seed;
  for (std::size_t s = 0; s < config.seeds.size(); ++s) per_seed.push_back(&loops.metrics_of(condition, s));
  const auto vectors = [&](std::vector<int> TestMetrics::*member) {
    std::vector<const std::vector<int>*> out;
    for (const TestMetrics* m : per_seed) out.push_back(&(m->*member));
    return out;
  };
  const std::string uu_name = fmt::format("uus@{:.2f}", config.loop.threshold);
  for (report::MetricSummary& summary : summaries) {
    std::optional<eval::Interval> interval;
    if (summary.name == "accuracy") interval = example_bootstrap(vectors(&TestMetrics::correct), false, 1);
    if (summary.name == uu_name) interval = example_bootstrap(vectors(&TestMetrics::uu), true, 2);
    if (summary.name == "adversarial_uus") interval = example_bootstrap(vectors(&TestMetrics::adversarial), true, 3);
    if (interval) {
      summary.ci_low = interval->lower;
      summary.ci_high = interval->upper;
      summary.interval = "bootstrap over test examples";
    }
  }
}

// Reliability bins pooled over seeds and the summed confidence histogram.
void add_pooled_calibration(report::ConditionResult& result, const ExperimentConfig& config,
                            const ExperimentLoops& loops, TeacherKind condition) {
  std::vector<std::vector<eval::ReliabilityBin>> bins;
  result.confidence_histogram.assign(10, 0);
  for (std::size_t s = 0; s < config.seeds.size(); ++s) {
    const TestMetrics& m = loops.metrics_of(condition, s);
    bins.push_back(m.reliability);
    for (std::size_t b = 0; b < m.confidence_histogram.size() && b < 10; ++b) {
      result.confidence_histogram[b] += m.confidence_histogram[b];
    }
  }
  result.reliability = report::pool_reliability_bins(bins);
  // The predicted class's confidence lies in [1/labels, 1]; the histograms use that range.
  result.confidence_histogram_lower = 1.0 / static_cast<double>(loops.loops.front().front().labels);
}

// What the condition's loops spent (LLM tokens and USD recorded with each teach step, the seconds
// of teach, augment and retrain) and produced, plus `cost`, and the USD per hypothesis, accepted
// sample and adversarial UU removed.
report::ConditionCost condition_cost(const ExperimentConfig& config, const ExperimentLoops& loops,
                                     TeacherKind condition, report::ConditionCost cost) {
  double uus_removed = 0;
  for (std::size_t s = 0; s < config.seeds.size(); ++s) {
    const LoopResult* loop = loops.loop_of(condition, s);
    if (loop == nullptr) continue;
    cost.hypotheses += loop->hypotheses;
    cost.llm_prompt_tokens += loop->teach_cost.prompt_tokens;
    cost.llm_completion_tokens += loop->teach_cost.completion_tokens;
    cost.llm_usd += loop->teach_cost.usd;
    cost.llm_unpriced = cost.llm_unpriced || loop->teach_cost.unpriced;
    cost.accepted_samples += loop->samples_added;
    for (const auto& step : loop->steps) {
      if (step.step == "teach" || step.step == "augment" || step.step == "retrain") cost.wall_seconds += step.seconds;
    }
    uus_removed += static_cast<double>(loops.loops[s].front().before.adversarial_uus - loop->after.adversarial_uus);
  }
  const double seeds = static_cast<double>(config.seeds.size());
  cost.uus_removed = uus_removed / seeds;
  const double usd = report::total_usd(cost);
  cost.usd_per_hypothesis = per(usd, static_cast<double>(cost.hypotheses));
  cost.usd_per_accepted_sample = per(usd, static_cast<double>(cost.accepted_samples));
  cost.usd_per_uu_removed = per(usd, cost.uus_removed * seeds);
  return cost;
}

}  // namespace

report::ConditionResult condition_result(const ExperimentConfig& config, const ExperimentLoops& loops,
                                         TeacherKind condition, report::ConditionCost extra_cost) {
  report::ConditionResult result;
  result.name = to_string(condition);
  result.metrics = metric_summaries(config, loops, condition);
  add_example_intervals(result.metrics, config, loops, condition);
  add_pooled_calibration(result, config, loops, condition);
  result.cost = condition_cost(config, loops, condition, std::move(extra_cost));
  return result;
}

}  // namespace blindspot::loop::detail
