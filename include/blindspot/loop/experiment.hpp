#pragma once

#include "blindspot/eval/statistics.hpp"
#include "blindspot/llm/client.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace blindspot::loop {

struct ExperimentConfig {
  std::string name;                     // from the file name unless `name` is set
  LoopOptions loop;                     // shared by every condition; seed and teacher are set per loop
  std::vector<std::uint64_t> seeds;     // at least 3
  std::vector<TeacherKind> conditions;  // `none` first, then at least one other, no repeats
  // `import` condition: samples (and optionally hypotheses) written elsewhere.
  std::filesystem::path import_samples;
  std::filesystem::path import_hypotheses;
  // `human` condition: the run id of an annotation campaign in the same store (docs/web.md).
  std::int64_t human_campaign = 0;
  // Human cost model of the `human` condition: active time x wage x (1 + fee).
  double hourly_wage_usd = 0;
  double platform_fee = 0;  // fraction added to wages, e.g. 0.2
  // The effect rule (docs/statistics.md): a condition reduces blind spots only when the reachable
  // confident errors fall with an interval excluding zero and accuracy falls by at most this
  // (a share: 0.01 is one point).
  double accuracy_tolerance = 0.01;
};

// Reads the TOML experiment file (docs/experiment.md). Throws Error{usage} naming the file,
// line and key for syntax errors, unknown keys, wrong types, fewer than 3 seeds, unknown or
// repeated conditions, a missing sample budget, or an `import` condition without a file.
ExperimentConfig read_experiment_config(const std::filesystem::path& file);

// What run_experiment() needs besides its file: where it runs, and the LLM of the llm condition.
struct ExperimentContext {
  std::filesystem::path root;         // the loops' folder (as `blindspot run`'s, so loops are shared)
  store::Database& store;             // the loops' records and the human condition's campaign
  std::int64_t run_id = 0;            // the experiment's run
  llm::ChatClient* client = nullptr;  // the llm condition's endpoint (not owned)
  teach::LlmTeacherOptions llm = {};  // the llm condition's teacher (labels and seed are set per loop)
  std::function<void(const std::string&)> on_progress = {};  // "seed 0, condition auto" before each loop
};

// The teacher of `condition` in the loop of `seed`: the experiment's threshold, threads, attack and
// sample budgets, import files, campaign and LLM (docs/experiment.md).
TeacherSettings condition_teacher(const ExperimentConfig& config, const ExperimentContext& context,
                                  TeacherKind condition, std::uint64_t seed);

// The cost of the `human` condition: the campaign's paid active time (incomplete work included)
// x hourly wage x (1 + platform fee), counted once per seed, as each seed's LLM teacher is paid
// anew, so that costs per loop compare (docs/experiment.md).
report::ConditionCost human_condition_cost(store::Database& store, const ExperimentConfig& config);

struct ExperimentOutcome {
  report::ExperimentReport report;
  std::vector<std::vector<LoopResult>> loops;  // [seed][condition other than none]
};

// Runs every condition other than `none` for every seed as a loop (resumable like `run`; loops of
// one seed share the baseline steps), takes `none` from the baseline models, and summarises: mean,
// sd, an interval with the test rows' and the seeds' variance and the paired effect against `none`
// for every metric (docs/statistics.md), pooled reliability bins, confidence histograms, costs per
// hypothesis, accepted sample and reachable confident error removed (the human condition's
// campaign included), the first seed's blind spots with the hypotheses and samples of the first
// condition that wrote any, and plain findings by the effect rule (reduces_blind_spots) and on
// each seed's baseline. Throws Error{usage} when no condition besides none is given.
ExperimentOutcome run_experiment(const ExperimentConfig& config, const ExperimentContext& context);

// The effect rule (docs/statistics.md, BRIEF "What counts as an effect"): a condition reduces blind
// spots only when the confident errors an attacker can reach on test fall with an interval that
// excludes zero and accuracy falls by at most `accuracy_tolerance` (a share; `accuracy_change` is
// condition - reference, also a share).
bool reduces_blind_spots(const report::EffectSummary& reachable_errors, double accuracy_change,
                         double accuracy_tolerance);

// An effect estimate as the report shows it: no interval when nothing varied on any row.
report::EffectSummary effect_summary(const eval::EffectEstimate& effect);

// Records the mean of every metric of every condition as a metric of `run_id` (split: the
// condition's name), in one transaction.
void record_experiment_metrics(store::Database& store, std::int64_t run_id, const report::ExperimentReport& report);

}  // namespace blindspot::loop
