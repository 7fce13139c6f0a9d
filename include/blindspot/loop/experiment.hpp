#pragma once

#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace blindspot::loop {

// The conditions an experiment may compare (docs/experiment.md).
const std::vector<std::string>& condition_names();  // none, untargeted, adversarial_training, auto, llm, human, import

struct ExperimentConfig {
  std::string name;                    // from the file name unless `name` is set
  LoopOptions loop;                    // shared by every condition; seed and teacher are set per loop
  std::vector<std::uint64_t> seeds;    // at least 3
  std::vector<std::string> conditions; // `none` plus at least one other, no repeats
  // `import` condition: samples (and optionally hypotheses) written elsewhere.
  std::filesystem::path import_samples;
  std::filesystem::path import_hypotheses;
  // `human` condition: the run id of an annotation campaign in the same store (docs/web.md).
  std::int64_t human_campaign = 0;
  // Human cost model of the `human` condition: active time x wage x (1 + fee).
  double hourly_wage_usd = 0;
  double platform_fee = 0;             // fraction added to wages, e.g. 0.2
};

// Reads the TOML experiment file (docs/experiment.md). Throws Error{usage} naming the file,
// line and key for syntax errors, unknown keys, wrong types, fewer than 3 seeds, unknown or
// repeated conditions, a missing sample budget, or an `import` condition without a file.
ExperimentConfig read_experiment_config(const std::filesystem::path& file);

// Makes the teacher of `condition` for one loop (`seed` is the loop's seed).
using ConditionTeachers = std::function<TeacherFactory(const std::string& condition, std::uint64_t seed)>;
// Costs of a condition that its loops do not record (the human condition's campaign); LLM
// tokens and USD come from each loop's teach step (LoopResult::teach_cost) and are added to it.
using ConditionCosts = std::function<report::ConditionCost(const std::string& condition)>;

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
// sd, a t interval over seeds and a paired t-test against `none` for every metric, pooled
// reliability bins, confidence histograms, costs per hypothesis, accepted sample and UU removed,
// the first seed's blind spots with their hypotheses and samples, and plain findings.
ExperimentOutcome run_experiment(const ExperimentConfig& config, const std::filesystem::path& root,
                                 store::Database& store, std::int64_t run_id, const ConditionTeachers& teachers,
                                 const ConditionCosts& costs,
                                 const std::function<void(const std::string&)>& on_progress = {});

}  // namespace blindspot::loop
