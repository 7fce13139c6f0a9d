// An experiment's summary of one condition over seeds (docs/experiment.md, "What is reported per
// condition").

#include "experiment_parts.hpp"

#include "blindspot/eval/calibration.hpp"
#include "blindspot/eval/statistics.hpp"
#include "blindspot/report/reliability.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>

namespace blindspot::loop::detail {
namespace {

// The metrics whose per-row outcomes each loop records (TestMetrics): each gets an interval over
// test rows and seeds, and a paired effect against none on the same rows (docs/statistics.md).
enum class RowMetric {
  accuracy,
  macro_f1,
  ece,
  brier,
  natural_uus,
  adversarial_uus,
  adversarial_uu_rate,
  reachable_uus
};

constexpr std::array kRowMetrics = {RowMetric::accuracy,
                                    RowMetric::macro_f1,
                                    RowMetric::ece,
                                    RowMetric::brier,
                                    RowMetric::natural_uus,
                                    RowMetric::adversarial_uus,
                                    RowMetric::adversarial_uu_rate,
                                    RowMetric::reachable_uus};

std::string name_of(RowMetric metric, double threshold) {
  switch (metric) {
    case RowMetric::accuracy:
      return "accuracy";
    case RowMetric::macro_f1:
      return "macro_f1";
    case RowMetric::ece:
      return "ece";
    case RowMetric::brier:
      return "brier";
    case RowMetric::natural_uus:
      return fmt::format("uus@{:.2f}", threshold);
    case RowMetric::adversarial_uus:
      return "adversarial_uus";
    case RowMetric::adversarial_uu_rate:
      return "adversarial_uu_rate";
    case RowMetric::reachable_uus:
      return "reachable_uus";
  }
  return {};
}

// Adversarial UUs and their rate are over the rows of the seeded attack sample; the rest over
// every test row.
bool on_attack_sample(RowMetric metric) {
  return metric == RowMetric::adversarial_uus || metric == RowMetric::adversarial_uu_rate;
}

std::size_t row_count(RowMetric metric, const TestMetrics& m) {
  return on_attack_sample(metric) ? m.adversarial.size() : m.correct.size();
}

// Whether every per-row vector the metric reads has `rows` rows.
bool has_rows(RowMetric metric, const TestMetrics& m, std::size_t rows) {
  if (on_attack_sample(metric)) return m.adversarial.size() == rows && m.attacked.size() == rows;
  return m.correct.size() == rows && m.uu.size() == rows && m.reachable.size() == rows && m.gold.size() == rows &&
         m.predicted.size() == rows && m.confidence.size() == rows && m.squared_error.size() == rows;
}

template <typename T>
std::vector<double> as_doubles(const std::vector<T>& values) {
  return {values.begin(), values.end()};
}

// The per-seed values of a metric that is a mean or sum over rows (eval::aggregate_statistic).
std::optional<std::pair<eval::PerSeedValues, eval::Aggregate>> aggregated_values(
    RowMetric metric, const std::vector<const TestMetrics*>& seeds) {
  eval::PerSeedValues values;
  for (const TestMetrics* m : seeds) {
    switch (metric) {
      case RowMetric::accuracy:
        values.push_back(as_doubles(m->correct));
        break;
      case RowMetric::brier:
        values.push_back(m->squared_error);
        break;
      case RowMetric::natural_uus:
        values.push_back(as_doubles(m->uu));
        break;
      case RowMetric::adversarial_uus:
        values.push_back(as_doubles(m->adversarial));
        break;
      case RowMetric::reachable_uus:
        values.push_back(as_doubles(m->reachable));
        break;
      default:
        return std::nullopt;
    }
  }
  const bool mean = metric == RowMetric::accuracy || metric == RowMetric::brier;
  return std::make_pair(std::move(values), mean ? eval::Aggregate::mean : eval::Aggregate::sum);
}

// Macro-F1 over all `labels` classes (as eval::classification_metrics: a class never predicted
// and absent scores 0) of the rows at `rows`.
double macro_f1(const TestMetrics& m, const std::vector<std::size_t>& rows, std::size_t labels) {
  std::vector<std::int64_t> true_positives(labels, 0), predicted(labels, 0), actual(labels, 0);
  for (const std::size_t row : rows) {
    const auto gold = static_cast<std::size_t>(m.gold[row]);
    const auto guess = static_cast<std::size_t>(m.predicted[row]);
    ++actual[gold];
    ++predicted[guess];
    if (gold == guess) ++true_positives[gold];
  }
  double sum = 0;
  for (std::size_t label = 0; label < labels; ++label) {
    // F1 = 2 tp / (2 tp + fp + fn) = 2 tp / (predicted + actual).
    const auto denominator = static_cast<double>(predicted[label] + actual[label]);
    if (denominator > 0) sum += 2.0 * static_cast<double>(true_positives[label]) / denominator;
  }
  return labels == 0 ? 0.0 : sum / static_cast<double>(labels);
}

// Expected calibration error with eval's 15 equal-width bins of the rows at `rows`.
double ece(const TestMetrics& m, const std::vector<std::size_t>& rows) {
  constexpr int kBins = eval::kDefaultCalibrationBins;
  std::array<double, kBins> gap{};  // per bin: sum of (correct - confidence)
  for (const std::size_t row : rows) {
    gap[static_cast<std::size_t>(eval::calibration_bin(m.confidence[row], kBins))] +=
        m.correct[row] - m.confidence[row];
  }
  double sum = 0;
  for (const double bin : gap) sum += std::abs(bin);
  return rows.empty() ? 0.0 : sum / static_cast<double>(rows.size());
}

// Adversarial UUs per attacked row of the rows at `rows` (0 when none was attacked).
double adversarial_rate(const TestMetrics& m, const std::vector<std::size_t>& rows) {
  double uus = 0, attacked = 0;
  for (const std::size_t row : rows) {
    uus += m.adversarial[row];
    attacked += m.attacked[row];
  }
  return attacked > 0 ? uus / attacked : 0.0;
}

// The statistic of the metrics that are no mean or sum: resampled by the bootstrap.
eval::SeedStatistic resampled_statistic(RowMetric metric, std::vector<const TestMetrics*> seeds, std::size_t labels) {
  return [metric, seeds = std::move(seeds), labels](std::size_t seed, const std::vector<std::size_t>& rows) {
    const TestMetrics& m = *seeds[seed];
    if (metric == RowMetric::macro_f1) return macro_f1(m, rows, labels);
    if (metric == RowMetric::ece) return ece(m, rows);
    return adversarial_rate(m, rows);
  };
}

// A condition's per-seed statistic of one metric; owns the values an aggregate statistic reads.
class SeedMetric {
 public:
  SeedMetric(RowMetric metric, const std::vector<const TestMetrics*>& seeds, std::size_t labels)
      : rows_(row_count(metric, *seeds.front())) {
    if (auto aggregated = aggregated_values(metric, seeds)) {
      values_ = std::make_unique<eval::PerSeedValues>(std::move(aggregated->first));
      statistic_ = eval::aggregate_statistic(*values_, aggregated->second);
    } else {
      statistic_ = resampled_statistic(metric, seeds, labels);
    }
  }
  std::size_t rows() const { return rows_; }
  const eval::SeedStatistic& statistic() const { return statistic_; }

 private:
  std::size_t rows_;
  std::unique_ptr<eval::PerSeedValues> values_;
  eval::SeedStatistic statistic_;
};

bool lower_is_better(const std::string& name) {
  return name == "ece" || name == "brier" || name == "adversarial_uu_rate" || report::is_uu_count_metric(name);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool all_equal(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [&](double value) { return value == values.front(); });
}

// Per seed, the metric's value on every row, its mean and spread.
report::MetricSummary seed_values(const std::string& name, const std::vector<double>& values) {
  report::MetricSummary summary;
  summary.name = name;
  summary.lower_is_better = lower_is_better(name);
  summary.per_seed = values;
  summary.mean = eval::mean(values);
  summary.sd = eval::sample_standard_deviation(values);
  summary.varied_across_seeds = !all_equal(values);
  return summary;
}

// A metric without per-row values (natural UUs at another threshold, a challenge set): a t
// interval over seeds and a paired t-test against none, or nothing when the values did not vary.
report::MetricSummary summarise_seeds(const std::string& name, const std::vector<double>& values,
                                      const std::vector<double>* none) {
  report::MetricSummary summary = seed_values(name, values);
  summary.interval = "t over seeds (no per-row values kept)";
  summary.ci_low = summary.ci_high = kNaN;
  if (summary.varied_across_seeds) {
    const eval::Interval interval = eval::t_interval(values);
    summary.ci_low = interval.lower;
    summary.ci_high = interval.upper;
  }
  if (none == nullptr) return summary;
  std::vector<double> differences;
  for (std::size_t s = 0; s < values.size(); ++s) differences.push_back(values[s] - (*none)[s]);
  report::EffectSummary effect;
  effect.estimate = eval::mean(differences);
  effect.ci_low = effect.ci_high = kNaN;
  effect.varied_across_seeds = !all_equal(differences);
  effect.method = "paired t-test over seeds (no per-row values kept)";
  if (effect.varied_across_seeds) {
    const eval::Interval interval = eval::t_interval(differences);
    effect.ci_low = interval.lower;
    effect.ci_high = interval.upper;
    effect.p_value = eval::paired_t_test(*none, values).p_value;
  }
  summary.effect_vs_none = effect;
  return summary;
}

// A metric with per-row values: an interval with the rows' and the seeds' variance, and the
// paired effect against none on the same rows and seeds.
report::MetricSummary summarise_rows(const std::string& name, const std::vector<double>& values,
                                     const SeedMetric& metric, const SeedMetric* none,
                                     const eval::BootstrapOptions& options) {
  report::MetricSummary summary = seed_values(name, values);
  const eval::MetricEstimate estimate =
      eval::metric_estimate(values.size(), metric.rows(), metric.statistic(), options);
  summary.mean = estimate.estimate;
  summary.ci_low = estimate.lower;
  summary.ci_high = estimate.upper;
  // The same value on every row of every seed (no UU anywhere): there is no interval to show.
  if (estimate.lower == estimate.upper) summary.ci_low = summary.ci_high = kNaN;
  summary.varied_across_seeds = estimate.varied_across_seeds;
  summary.interval = estimate.method;
  if (none != nullptr) {
    summary.effect_vs_none = effect_summary(
        eval::paired_effect(values.size(), metric.rows(), none->statistic(), metric.statistic(), options));
  }
  return summary;
}

// Every metric a condition is compared on, by name, from one model's test metrics, in report order.
std::vector<std::pair<std::string, double>> named_metrics(const TestMetrics& m) {
  std::vector<std::pair<std::string, double>> out = {
      {"accuracy", m.accuracy}, {"macro_f1", m.macro_f1}, {"ece", m.ece}, {"brier", m.brier}};
  for (const auto& [at, count] : m.uu_counts) {
    out.emplace_back(fmt::format("uus@{:.2f}", at), static_cast<double>(count));
  }
  out.emplace_back("adversarial_uus", static_cast<double>(m.adversarial_uus));
  out.emplace_back("adversarial_uu_rate", adversarial_uu_rate(m).value_or(kNaN));
  out.emplace_back("reachable_uus", static_cast<double>(m.reachable_errors));
  for (const auto& entry : m.challenge) out.push_back(entry);
  return out;
}

std::optional<double> per(double usd, double count) {
  if (count <= 0) return std::nullopt;
  return usd / count;
}

std::vector<const TestMetrics*> seed_metrics(const ExperimentLoops& loops, TeacherKind condition, std::size_t seeds) {
  std::vector<const TestMetrics*> out;
  for (std::size_t s = 0; s < seeds; ++s) out.push_back(&loops.metrics_of(condition, s));
  return out;
}

// Every metric's values over seeds of `condition`, by name.
std::map<std::string, std::vector<double>> values_by_name(const std::vector<const TestMetrics*>& seeds) {
  std::map<std::string, std::vector<double>> values;
  for (const TestMetrics* m : seeds) {
    for (const auto& [name, value] : named_metrics(*m)) values[name].push_back(value);
  }
  return values;
}

// The row metric named `name`, when both conditions' every seed has its per-row values.
std::optional<RowMetric> row_metric(const std::string& name, double threshold,
                                    const std::vector<const TestMetrics*>& seeds,
                                    const std::vector<const TestMetrics*>& none) {
  for (const RowMetric metric : kRowMetrics) {
    if (name_of(metric, threshold) != name) continue;
    const std::size_t rows = row_count(metric, *none.front());
    if (rows == 0) return std::nullopt;
    for (const auto* group : {&seeds, &none}) {
      for (const TestMetrics* m : *group) {
        if (!has_rows(metric, *m, rows)) return std::nullopt;
      }
    }
    return metric;
  }
  return std::nullopt;
}

// Every metric of `condition`, in named_metrics() order: from per-row values where the loops kept
// them, from the seeds' values otherwise.
std::vector<report::MetricSummary> metric_summaries(const ExperimentConfig& config, const ExperimentLoops& loops,
                                                    TeacherKind condition) {
  const std::size_t seeds = config.seeds.size();
  const double threshold = config.loop.threshold;
  const std::size_t labels = loops.loops.front().front().labels;
  const auto none_seeds = seed_metrics(loops, TeacherKind::none, seeds);
  const auto condition_seeds = seed_metrics(loops, condition, seeds);
  auto none_values = values_by_name(none_seeds);
  auto values = values_by_name(condition_seeds);
  const bool is_none = condition == TeacherKind::none;
  eval::BootstrapOptions options;
  options.threads = config.loop.threads;
  std::vector<report::MetricSummary> summaries;
  for (const auto& [name, unused] : named_metrics(*none_seeds.front())) {
    if (const auto metric = row_metric(name, threshold, condition_seeds, none_seeds)) {
      const SeedMetric mine(*metric, condition_seeds, labels);
      const SeedMetric reference(*metric, none_seeds, labels);
      summaries.push_back(summarise_rows(name, values[name], mine, is_none ? nullptr : &reference, options));
    } else {
      summaries.push_back(summarise_seeds(name, values[name], is_none ? nullptr : &none_values[name]));
    }
  }
  return summaries;
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
// sample and reachable confident error removed (ExperimentReport::uus_removed_metric).
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
    uus_removed += static_cast<double>(loops.loops[s].front().before.reachable_errors - loop->after.reachable_errors);
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
  add_pooled_calibration(result, config, loops, condition);
  result.cost = condition_cost(config, loops, condition, std::move(extra_cost));
  return result;
}

}  // namespace blindspot::loop::detail

namespace blindspot::loop {

report::EffectSummary effect_summary(const eval::EffectEstimate& effect) {
  report::EffectSummary summary;
  summary.estimate = effect.estimate;
  summary.ci_low = effect.lower;
  summary.ci_high = effect.upper;
  summary.p_value = effect.p_value;
  summary.varied_across_seeds = effect.varied_across_seeds;
  summary.method = effect.method;
  if (!effect.p_value && effect.lower == effect.upper) summary.ci_low = summary.ci_high = std::numeric_limits<double>::quiet_NaN();
  return summary;
}

}  // namespace blindspot::loop
