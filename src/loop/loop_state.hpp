#pragma once
// Private to src/loop: what the steps of a loop share. A loop is one LoopRun (its options, context,
// splits, baseline and result so far) and, per round, one RoundState; each step is a function of
// the two (loop_steps.cpp), and run_loop() is the one place that decides whether to go on.

#include "model_maker.hpp"
#include "step_log.hpp"
#include "test_metrics.hpp"

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/teach/teaching.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::loop::detail {

// What a step tells the driver: go on, or end the call here (the step was `stop_after`).
enum class StepOutcome { go_on, stop };

// One loop call: fixed after start_loop() except the result and what later rounds need.
struct LoopRun {
  LoopRun(const LoopOptions& loop_options, const LoopContext& loop_context, const LoopControl& loop_control)
      : options(loop_options), context(loop_context), control(loop_control) {}

  const LoopOptions& options;
  const LoopContext& context;
  const LoopControl& control;
  std::string base_key;               // of the steps before teaching (baseline_key())
  std::filesystem::path base_folder;  // root/<baseline key>/; result.folder is the loop's
  std::unique_ptr<ModelMaker> maker;  // trains and opens the loop's models
  bool external = false;              // models made by a command: their files' hashes are in the step keys
  data::Split train;
  data::Split dev;
  data::Split test;
  std::unique_ptr<model::Classifier> baseline;          // loaded by round 1
  std::vector<teach::Sample> earlier_picks;             // what finished rounds added to train
  std::optional<std::vector<ChallengeSet>> challenges;  // read by the first evaluation that runs
  LoopResult result;                                    // so far
};

// One round: round 1 discovers the baseline's UUs (steps shared by every teacher on that baseline,
// under the baseline key), round r > 1 those of round r-1's model, in round<r>/ under the loop key.
struct RoundState {
  int round = 1;
  std::string discovery_key;                     // of scan_dev, attack_dev and group
  std::string key;                               // of teach, augment and retrain (the loop key, for fastText)
  std::filesystem::path discovery_folder;        // their files
  std::filesystem::path folder;                  // the files of teach and the steps after it
  std::unique_ptr<model::Classifier> own_model;  // round r > 1: round r-1's retrained model
  const model::Classifier* model = nullptr;      // the model whose UUs the round teaches
  data::Split train;                             // train as this round's model saw it (earlier picks added)
  std::vector<discover::Uu> uus;                 // the grouped dev UUs (read after group)
  std::vector<teach::Sample> picks;              // what this round adds to train (read after teach)
  RoundResult result;

  // "teach" in round 1, "teach@2" in round 2.
  std::string step_name(const char* step) const;
  std::filesystem::path discovered(const char* file) const { return discovery_folder / file; }
  std::filesystem::path path(const char* file) const { return folder / file; }
  std::filesystem::path path(const std::string& file) const { return folder / file; }
};

// The baseline model's file: given, or root/<baseline key>/baseline.<ext>; empty for a served model.
std::filesystem::path baseline_file(const LoopRun& run);
// The retrained model's file of a round.
std::filesystem::path retrained_file(const LoopRun& run, const RoundState& state);
// The key of evaluate and attribute: the loop key for fastText; for a model made by a command, the
// round's key and the retrained model's hash, so a model retrained differently is evaluated again.
std::string evaluation_key(const LoopRun& run, const RoundState& state);

// Reads the splits, makes the loop's folders and keys. Throws Error{usage} for rounds < 1 or an
// unknown stop_after.
LoopRun start_loop(const LoopOptions& options, const LoopContext& context, const LoopControl& control);
// The state of round `round`, starting from the baseline (round 1, loaded here) or from round
// round-1's retrained model.
RoundState start_round(LoopRun& run, int round);
// Hands a finished round's picks to the next round.
void finish_round(LoopRun& run, RoundState& state);

// Runs `work` under `key` unless an earlier call finished the step (its files intact); records
// the step's report either way and returns its outputs.
StepRecord run_step(LoopRun& run, const std::string& key, const std::string& name,
                    const std::function<nlohmann::json()>& work);
// stop when `name` is the step the call should end after.
StepOutcome outcome_of(const LoopRun& run, const std::string& name);

// The steps, in order (docs/run.md).
StepOutcome train_baseline(LoopRun& run);
StepOutcome scan_dev(LoopRun& run, RoundState& state);
StepOutcome attack_dev(LoopRun& run, RoundState& state);
StepOutcome group(LoopRun& run, RoundState& state);
StepOutcome teach(LoopRun& run, RoundState& state);
StepOutcome augment(LoopRun& run, RoundState& state);
StepOutcome retrain(LoopRun& run, RoundState& state);
StepOutcome evaluate(LoopRun& run, RoundState& state);
// Leave-one-hypothesis-out attribution, after the last round when options.attribution > 0.
StepOutcome attribute(LoopRun& run, RoundState& state);

}  // namespace blindspot::loop::detail
