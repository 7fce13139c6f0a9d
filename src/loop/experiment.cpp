#include "blindspot/loop/experiment.hpp"

#include "jsonl.hpp"

#include "blindspot/augment/adversarial_training.hpp"
#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/eval/statistics.hpp"
#include "blindspot/report/reliability.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "blindspot/teach/human_teacher.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace blindspot::loop {
namespace {

using nlohmann::json;

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

}  // namespace

ExperimentOutcome run_experiment(const ExperimentConfig& config, const std::filesystem::path& root,
                                 store::Database& store, std::int64_t run_id, const ConditionTeachers& teachers,
                                 const ConditionCosts& costs,
                                 const std::function<void(const std::string&)>& on_progress) {
  std::vector<std::string> taught;
  for (const auto& condition : config.conditions) {
    if (condition != "none") taught.push_back(condition);
  }
  if (taught.empty()) throw core::Error(core::ErrorKind::usage, "an experiment needs a condition besides none");
  ExperimentOutcome outcome;
  for (const std::uint64_t seed : config.seeds) {
    std::vector<LoopResult> loops;
    for (const auto& condition : taught) {
      LoopOptions options = config.loop;
      options.seed = seed;
      options.model.seed = static_cast<int>(seed);
      // The report shows the first seed's blind spots, so only its hypotheses
      // are attributed.
      if (seed != config.seeds.front()) options.attribution = 0;
      // Annotators wrote for the campaign's UUs: every dev UU of the loop is offered to the human
      // teacher, which keeps those annotated.
      if (condition == "human") options.max_uus = 0;
      // The teacher's algorithm version is part of the loop key, so a changed teacher never
      // reuses the samples of the old one.
      options.teacher = condition == "auto"                   ? std::string(teach::kAutoTeacherVersion)
                        : condition == "untargeted"           ? std::string(augment::kUntargetedVersion)
                        : condition == "adversarial_training" ? std::string(augment::kAdversarialTrainingVersion)
                                                              : condition;
      if (on_progress) on_progress(fmt::format("seed {}, condition {}", seed, condition));
      loops.push_back(run_loop(options, {root, store, run_id, teachers(condition, seed)}));
    }
    outcome.loops.push_back(std::move(loops));
  }

  // The loop of `condition` for seed s; nullptr for none, whose model is every loop's baseline.
  const auto loop_of = [&](const std::string& condition, std::size_t s) -> const LoopResult* {
    if (condition == "none") return nullptr;
    const auto at = std::find(taught.begin(), taught.end(), condition) - taught.begin();
    return &outcome.loops[s][static_cast<std::size_t>(at)];
  };
  // The test metrics of `condition`'s model for seed s.
  const auto model_metrics = [&](const std::string& condition, std::size_t s) -> const TestMetrics& {
    const LoopResult* loop = loop_of(condition, s);
    return loop != nullptr ? loop->after : outcome.loops[s].front().before;
  };
  report::ExperimentReport& r = outcome.report;
  r.title = "blindspot experiment: " + config.name;
  r.dataset = std::filesystem::weakly_canonical(config.loop.data).string();
  r.created_at = store::utc_timestamp();
  r.seeds = config.seeds;
  r.sample_budget = static_cast<std::int64_t>(config.loop.sample_budget);

  const auto metrics_of = [&](const std::string& condition, std::size_t s) {
    return named_metrics(model_metrics(condition, s));
  };
  const auto names = named_metrics(outcome.loops.front().front().before);
  std::map<std::string, std::vector<double>> none_values;
  for (std::size_t s = 0; s < config.seeds.size(); ++s) {
    for (const auto& [name, value] : metrics_of("none", s)) none_values[name].push_back(value);
  }
  for (const auto& condition : config.conditions) {
    report::ConditionResult result;
    result.name = condition;
    std::map<std::string, std::vector<double>> values;
    for (std::size_t s = 0; s < config.seeds.size(); ++s) {
      for (const auto& [name, value] : metrics_of(condition, s)) values[name].push_back(value);
    }
    for (const auto& [name, unused] : names) {
      result.metrics.push_back(summarise(name, values[name], condition == "none" ? nullptr : &none_values[name]));
    }
    // Accuracy and UU counts have per-example outcomes: their interval is a bootstrap over test
    // examples (the t interval over 3 seeds stays for ECE, Brier and macro-F1).
    std::vector<const TestMetrics*> per_seed;
    for (std::size_t s = 0; s < config.seeds.size(); ++s) per_seed.push_back(&model_metrics(condition, s));
    const auto vectors = [&](std::vector<int> TestMetrics::*member) {
      std::vector<const std::vector<int>*> out;
      for (const TestMetrics* m : per_seed) out.push_back(&(m->*member));
      return out;
    };
    const std::string uu_name = fmt::format("uus@{:.2f}", config.loop.threshold);
    for (report::MetricSummary& summary : result.metrics) {
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
    std::vector<std::vector<eval::ReliabilityBin>> bins;
    result.confidence_histogram.assign(10, 0);
    report::ConditionCost cost = costs(condition);
    double uus_removed = 0;
    for (std::size_t s = 0; s < config.seeds.size(); ++s) {
      const LoopResult& first = outcome.loops[s].front();
      const LoopResult* loop = loop_of(condition, s);
      const TestMetrics& m = model_metrics(condition, s);
      bins.push_back(m.reliability);
      for (std::size_t b = 0; b < m.confidence_histogram.size() && b < 10; ++b) {
        result.confidence_histogram[b] += m.confidence_histogram[b];
      }
      if (loop != nullptr) {
        cost.hypotheses += loop->hypotheses;
        cost.llm_prompt_tokens += loop->teach_cost.prompt_tokens;
        cost.llm_completion_tokens += loop->teach_cost.completion_tokens;
        cost.llm_usd += loop->teach_cost.usd;
        cost.llm_unpriced = cost.llm_unpriced || loop->teach_cost.unpriced;
        cost.accepted_samples += loop->samples_added;
        for (const auto& step : loop->steps) {
          if (step.step == "teach" || step.step == "augment" || step.step == "retrain") cost.wall_seconds += step.seconds;
        }
        uus_removed += static_cast<double>(first.before.adversarial_uus - loop->after.adversarial_uus);
      }
    }
    result.reliability = report::pool_reliability_bins(bins);
    // The predicted class's confidence lies in [1/labels, 1]; the histograms use that range.
    result.confidence_histogram_lower = 1.0 / static_cast<double>(outcome.loops.front().front().labels);
    cost.uus_removed = uus_removed / static_cast<double>(config.seeds.size());
    const double usd = report::total_usd(cost);
    cost.usd_per_hypothesis = per(usd, static_cast<double>(cost.hypotheses));
    cost.usd_per_accepted_sample = per(usd, static_cast<double>(cost.accepted_samples));
    cost.usd_per_uu_removed = per(usd, cost.uus_removed * static_cast<double>(config.seeds.size()));
    result.cost = cost;
    r.conditions.push_back(std::move(result));
  }

  // Blind spots of the first seed, with the first taught condition's hypotheses and samples.
  const LoopResult& shown = outcome.loops.front().front();
  const auto grouping = json::parse(core::read_file(shown.folder.parent_path() / "blind_spots.json"));
  std::map<std::string, std::string> uu_text;
  for (const json& uu : detail::read_jsonl(shown.folder.parent_path() / "uus.jsonl")) {
    const std::string kind = uu.contains("outcome") ? uu.value("recipe", "") : "natural";
    uu_text[uu.value("split", "") + ":" + std::to_string(uu.value("row", 0)) + ":" + kind] =
        uu.contains("outcome") ? uu.value("perturbed_text", "") : uu.value("text", "");
  }
  const auto hypotheses = detail::read_jsonl(shown.folder / "hypotheses.jsonl");
  const auto samples = detail::read_jsonl(shown.folder / "samples.jsonl");
  for (const json& spot : grouping.value("blind_spots", json::array())) {
    report::BlindSpotSummary summary;
    summary.id = spot.value("id", 0);
    summary.size = spot.value("size", 0);
    // Keys as teach::to_json(Grouping) writes them (docs/blind-spots.md).
    std::string flows;
    for (const json& flow : spot.value("labels", json::array())) {
      flows += fmt::format("{}{} read as {} ({})", flows.empty() ? "" : "; ", flow.value("true_label", ""),
                           flow.value("predicted_label", ""), flow.value("count", 0));
    }
    summary.description = fmt::format("{}; {} natural, {} adversarial UUs", flows, spot.value("natural", 0),
                                      spot.value("adversarial", 0));
    for (const json& token : spot.value("top_tokens", json::array()))
      summary.top_tokens.push_back(token.value("token", ""));
    for (const json& id : spot.value("representatives", json::array())) summary.representatives.push_back(uu_text[id]);
    std::set<std::string> hypothesis_ids;
    for (const json& h : hypotheses) {
      if (h.value("blind_spot", -1) != summary.id) continue;
      hypothesis_ids.insert(h.value("id", ""));
      summary.hypotheses.push_back(h.value("teacher", "") + ": " + h.value("text", ""));
    }
    for (const json& s : samples) {
      if (s.value("accepted", false) && hypothesis_ids.contains(s.value("hypothesis_id", ""))) {
        summary.samples.push_back({s.value("text", ""), s.value("label", "")});
      }
    }
    for (std::size_t c = 0; c < taught.size(); ++c) {
      for (const auto& [id, fixed] : outcome.loops.front()[c].fixed_by_blind_spot) {
        if (id == summary.id) summary.fixed_by_condition.emplace_back(taught[c], static_cast<double>(fixed));
      }
      for (const auto& a : outcome.loops.front()[c].attribution) {
        if (a.blind_spot != summary.id) continue;
        summary.attribution.push_back({taught[c], a.text, a.samples, a.marginal_fixed, a.fixed_only_with,
                                       a.fixed_only_without, a.marginal_fixed_in_blind_spot, a.source_uu_fixed,
                                       a.source_uu_fixed_without});
      }
    }
    r.blind_spots.push_back(std::move(summary));
  }

  // Findings, in plain words, including what did not work.
  const report::ConditionResult& none = r.conditions.front();
  // Every condition has these: named_metrics() makes them for every model.
  const auto metric = [](const report::ConditionResult& c, std::string_view name) -> const report::MetricSummary& {
    return *report::find_metric(c, name);
  };
  for (std::size_t c = 1; c < r.conditions.size(); ++c) {
    const auto& condition = r.conditions[c];
    const auto& adversarial = metric(condition, "adversarial_uus");
    const auto& accuracy = metric(condition, "accuracy");
    const double before = metric(none, "adversarial_uus").mean;
    const std::string p = adversarial.p_value_vs_none ? fmt::format("p = {:.3f}", *adversarial.p_value_vs_none) : "p undefined";
    std::string verdict = adversarial.mean < before ? "fewer adversarial UUs on test than"
                                                     : (adversarial.mean > before ? "MORE adversarial UUs on test than"
                                                                                  : "as many adversarial UUs on test as");
    r.findings.push_back(fmt::format(
        "{}: {} none ({:.1f} vs {:.1f}, mean of {} seeds, paired t-test {}); accuracy "
        "{:.4f} vs {:.4f} ({:+.2f} points); {:.1f} samples added per seed on average (budget {}).",
        condition.name, verdict, adversarial.mean, before, config.seeds.size(), p, accuracy.mean,
        metric(none, "accuracy").mean, 100 * (accuracy.mean - metric(none, "accuracy").mean),
        static_cast<double>(condition.cost.accepted_samples) / static_cast<double>(config.seeds.size()),
        config.loop.sample_budget));
    if (static_cast<std::size_t>(condition.cost.accepted_samples) < config.loop.sample_budget * config.seeds.size()) {
      r.findings.push_back(
          fmt::format("{} produced fewer accepted samples than the budget: the comparison is not at "
                      "equal budgets for it.",
                      condition.name));
    }
  }
  return outcome;
}

report::ConditionCost human_condition_cost(store::Database& store, const ExperimentConfig& config) {
  report::ConditionCost cost;
  const double seconds = teach::human_campaign_cost(store, config.human_campaign).paid_active_seconds();
  const double seeds = static_cast<double>(config.seeds.size());
  cost.human_active_seconds = seconds * seeds;
  cost.human_usd = teach::human_cost_usd(seconds, config.hourly_wage_usd, config.platform_fee) * seeds;
  return cost;
}

}  // namespace blindspot::loop
