#pragma once
// Private to src/loop: the parts of an experiment's report, each from the loops it ran
// (experiment.cpp runs them and puts the report together).

#include "blindspot/loop/experiment.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/report/experiment_report.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::loop::detail {

// The loops of an experiment, by condition and seed.
struct ExperimentLoops {
  const std::vector<TeacherKind>& taught;             // the conditions besides none, in the file's order
  const std::vector<std::vector<LoopResult>>& loops;  // [seed][taught condition]

  // The loop of `condition` for seed index `seed`; nullptr for none, whose model is every loop's baseline.
  const LoopResult* loop_of(TeacherKind condition, std::size_t seed) const;
  // The test metrics of `condition`'s model for seed index `seed` (none: the baseline's).
  const TestMetrics& metrics_of(TeacherKind condition, std::size_t seed) const;
};

// One condition's summaries over seeds (mean, sd, intervals, paired t-test against none), pooled
// reliability bins and confidence histogram, and costs. `extra_cost` is what its loops do not
// record (the human condition's campaign).
report::ConditionResult condition_result(const ExperimentConfig& config, const ExperimentLoops& loops,
                                         TeacherKind condition, report::ConditionCost extra_cost);

// The first seed's blind spots, with the first taught condition's hypotheses and samples and
// what every condition fixed and attributed in each.
std::vector<report::BlindSpotSummary> blind_spot_summaries(const ExperimentLoops& loops);

// Plain findings per condition against none (conditions.front()) by the effect rule
// (reduces_blind_spots), saying what rose, what fell and what stayed within noise, and flagging a
// condition that could not fill its budget.
std::vector<std::string> findings(const ExperimentConfig& config,
                                  const std::vector<report::ConditionResult>& conditions);

// One finding per seed's baseline (LoopResult::baseline_check): test accuracy against the
// majority-class rate and the train-set accuracy, with its warnings; none for an unchecked one.
std::vector<std::string> baseline_findings(const ExperimentConfig& config, const ExperimentLoops& loops);

// With LoopOptions::label_issues: the baseline's dev UUs per seed that are probable label issues
// (mean over seeds), and whether they were taught; nullopt without the triage.
std::optional<std::string> label_issue_finding(const ExperimentConfig& config, const ExperimentLoops& loops);

// What the human campaign holds and actually cost, once.
std::string human_campaign_finding(store::Database& store, const ExperimentConfig& config);

}  // namespace blindspot::loop::detail
