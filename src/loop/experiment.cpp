#include "blindspot/loop/experiment.hpp"

#include "experiment_parts.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/human_teacher.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace blindspot::loop {
namespace {

// The conditions that run loops: all but none.
std::vector<TeacherKind> taught_conditions(const ExperimentConfig& config) {
  std::vector<TeacherKind> taught;
  for (const TeacherKind condition : config.conditions) {
    if (condition != TeacherKind::none) taught.push_back(condition);
  }
  if (taught.empty()) throw core::Error(core::ErrorKind::usage, "an experiment needs a condition besides none");
  return taught;
}

// The loop options of `condition` for `seed`.
LoopOptions condition_loop(const ExperimentConfig& config, TeacherKind condition, std::uint64_t seed) {
  LoopOptions options = config.loop;
  options.seed = seed;
  options.model.seed = static_cast<int>(seed);
  // The report shows the first seed's blind spots, so only its hypotheses are attributed.
  if (seed != config.seeds.front()) options.attribution = 0;
  // Annotators wrote for the campaign's UUs: every dev UU of the loop is offered to the human
  // teacher, which keeps those annotated.
  if (condition == TeacherKind::human) options.max_uus = 0;
  // The teacher's algorithm version is part of the loop key, so a changed teacher never reuses the
  // samples of the old one.
  options.teacher = teacher_version(condition);
  return options;
}

// Every taught condition's loop for every seed: [seed][taught condition].
std::vector<std::vector<LoopResult>> run_loops(const ExperimentConfig& config, const ExperimentContext& context,
                                               const std::vector<TeacherKind>& taught) {
  std::vector<std::vector<LoopResult>> loops;
  for (const std::uint64_t seed : config.seeds) {
    std::vector<LoopResult> seed_loops;
    for (const TeacherKind condition : taught) {
      if (context.on_progress) context.on_progress(fmt::format("seed {}, condition {}", seed, to_string(condition)));
      const TeacherFactory factory = teacher_factory(condition_teacher(config, context, condition, seed));
      seed_loops.push_back(
          run_loop(condition_loop(config, condition, seed), {context.root, context.store, context.run_id, factory}));
    }
    loops.push_back(std::move(seed_loops));
  }
  return loops;
}

}  // namespace

namespace detail {

const LoopResult* ExperimentLoops::loop_of(TeacherKind condition, std::size_t seed) const {
  if (condition == TeacherKind::none) return nullptr;
  const auto at = std::find(taught.begin(), taught.end(), condition) - taught.begin();
  return &loops[seed][static_cast<std::size_t>(at)];
}

const TestMetrics& ExperimentLoops::metrics_of(TeacherKind condition, std::size_t seed) const {
  const LoopResult* loop = loop_of(condition, seed);
  return loop != nullptr ? loop->after : loops[seed].front().before;
}

}  // namespace detail

TeacherSettings condition_teacher(const ExperimentConfig& config, const ExperimentContext& context,
                                  TeacherKind condition, std::uint64_t seed) {
  TeacherSettings settings;
  settings.kind = condition;
  settings.seed = seed;
  settings.threshold = config.loop.threshold;
  settings.threads = config.loop.threads;
  settings.attack_budget = config.loop.attack_budget;
  settings.sample_budget = config.loop.sample_budget;
  settings.client = context.client;
  settings.llm = context.llm;
  settings.import_hypotheses = config.import_hypotheses;
  settings.import_samples = config.import_samples;
  settings.human_campaign = config.human_campaign;
  return settings;
}

report::ConditionCost human_condition_cost(store::Database& store, const ExperimentConfig& config) {
  report::ConditionCost cost;
  const double seconds = teach::human_campaign_cost(store, config.human_campaign).paid_active_seconds();
  const double seeds = static_cast<double>(config.seeds.size());
  cost.human_active_seconds = seconds * seeds;
  cost.human_usd = teach::human_cost_usd(seconds, config.hourly_wage_usd, config.platform_fee) * seeds;
  return cost;
}

ExperimentOutcome run_experiment(const ExperimentConfig& config, const ExperimentContext& context) {
  const std::vector<TeacherKind> taught = taught_conditions(config);
  if (!config.loop.external.spec.empty() && config.loop.external.train_command.empty()) {
    throw core::Error(core::ErrorKind::usage,
                      "an experiment retrains the model for every condition and seed: give --train-command (the "
                      "model \"" +
                          model::displayable_source(config.loop.external.spec) +
                          "\" cannot be retrained by blindspot otherwise; `blindspot run` stops after augment "
                          "and hands you the augmented train file instead)");
  }
  check_external_model(config.loop);
  ExperimentOutcome outcome;
  outcome.loops = run_loops(config, context, taught);
  const detail::ExperimentLoops loops{taught, outcome.loops};
  report::ExperimentReport& r = outcome.report;
  r.title = "blindspot experiment: " + config.name;
  r.dataset = std::filesystem::weakly_canonical(config.loop.data).string();
  r.created_at = store::utc_timestamp();
  r.seeds = config.seeds;
  r.sample_budget = static_cast<std::int64_t>(config.loop.sample_budget);
  for (const TeacherKind condition : config.conditions) {
    // The human condition's campaign is counted once per seed (its actual cost is in the findings).
    const report::ConditionCost campaign =
        condition == TeacherKind::human ? human_condition_cost(context.store, config) : report::ConditionCost{};
    r.conditions.push_back(detail::condition_result(config, loops, condition, campaign));
  }
  r.blind_spots = detail::blind_spot_summaries(loops);
  r.findings = detail::findings(config, r.conditions);
  for (auto& finding : detail::baseline_findings(config, loops)) r.findings.push_back(std::move(finding));
  if (auto finding = detail::label_issue_finding(config, loops)) r.findings.push_back(std::move(*finding));
  if (config.human_campaign > 0) r.findings.push_back(detail::human_campaign_finding(context.store, config));
  return outcome;
}

void record_experiment_metrics(store::Database& store, std::int64_t run_id, const report::ExperimentReport& report) {
  store.transaction([&] {
    for (const auto& condition : report.conditions) {
      for (const auto& m : condition.metrics) store::record_metric(store, run_id, condition.name, m.name, m.mean);
    }
  });
}

}  // namespace blindspot::loop
