#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/eval/baseline_check.hpp"
#include "blindspot/eval/calibration.hpp"
#include "blindspot/loop/teachers.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/model/model_source.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/teach/teaching.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::loop {

// The steps of one round, in order (docs/run.md).
const std::vector<std::string>& step_names();
// The steps of a loop of `rounds` rounds: step_names(), then for each round r >
// 1 the same steps but train_baseline, named "<step>@<r>" ("teach@2").
std::vector<std::string> round_step_names(int rounds);

// A model blindspot does not train in process (docs/run.md, "Any model"): an adapter command or an
// inference server, trained by a command of the user's.
struct ExternalModel {
  // "cmd:COMMAND" or "http(s)://HOST:PORT/v2/models/NAME" (model::open_model); "{model}" in it is
  // replaced by the path of the model file the train command wrote (shell-quoted in a command).
  // Empty: fastText, trained in process (the default).
  std::string spec;
  // Run with /bin/sh -c after replacing "{train}" (a text,label CSV), "{model}" (the file to write)
  // and "{seed}" (the loop's seed); paths are shell-quoted. Empty: the model cannot be retrained
  // here, and the loop stops after augment with the augmented train file for the user's pipeline.
  std::string train_command;
  // Not part of the key: how to talk to the model, and where the train commands' output goes
  // (empty: discarded; the last stderr lines are kept for error messages either way).
  model::RemoteOptions remote;
  std::filesystem::path train_log;
};

// Whether the loop's baseline fastText model is tuned on dev (docs/baseline.md): a deterministic
// grid over learning rate, epochs and word n-grams scored on dev macro-F1 (model::tune_fasttext;
// not fastText's autotune, whose random search gives another choice on every run). The chosen
// settings are recorded with the baseline, and every later training of the loop uses them.
struct BaselineTuning {
  enum class Mode {
    off,         // the given model options, always
    when_short,  // the given options unless their model falls short on dev (eval::check_baseline)
    always,      // tune every time
  };
  Mode mode = Mode::when_short;
  int seconds = 120;  // the search's time budget: no candidate is started after it
};

// Everything that determines a loop's results (and so its key; docs/run.md).
struct LoopOptions {
  std::filesystem::path data;    // dataset folder with train, dev and test
  model::FastTextOptions model;  // baseline and retrained model (threads 1: byte-identical)
  BaselineTuning tuning;         // of a fastText baseline (ignored for external and given models)
  ExternalModel external;        // a model trained by a command instead (spec and command in the key)
  // A baseline model file that is used instead of training one (its content hash is in the key):
  // a fastText file, or the file `external.spec`'s {model} stands for.
  std::filesystem::path baseline_model;
  double threshold = 0.65;            // tau of every UU
  std::size_t dev_attack_rows = 300;  // dev rows attacked for adversarial UUs (0: natural UUs only)
  std::size_t attack_budget = 30;
  // UUs taught, spread over blind spots; 0: all. nullopt: as many as the sample budget needs.
  std::optional<std::size_t> max_uus;
  // Share of each blind spot's dev UUs held out of teaching: "fixed" is counted on them, and a
  // sample that contains one of their texts is rejected (dev_leak; docs/run.md).
  double held_out_share = 0.5;
  // The length rule's bounds (teach::FilterOptions::length_low_factor and length_high_factor).
  double length_low_factor = 0.25;
  double length_high_factor = 2.0;
  bool extrapolate = true;
  int samples_per_hypothesis = 2;
  std::size_t sample_budget = 0;       // accepted samples added to train (0: all)
  std::size_t test_attack_rows = 200;  // seeded sample for the adversarial UU metric on test
  std::uint64_t seed = 0;
  int threads = 0;                           // prediction and attack threads (results do not depend on it)
  // Label-issue triage of every dev scan (docs/label-issues.md): confident learning on k-fold
  // out-of-sample probabilities flags the dev UUs that are probably wrong labels; they are counted
  // apart from blind spots and, unless teach_label_issues, not taught. Part of the key.
  bool label_issues = false;
  int label_folds = 5;  // discover::kDefaultLabelFolds
  bool teach_label_issues = false;
  std::string teacher = "auto";              // part of the key; the factory below must match it
  std::string teacher_settings_json = "{}";  // e.g. the LLM endpoint and model (part of the key)
  // Extra labelled test files (challenge sets) both models are evaluated on, e.g.
  // ../shared/data/imdb-cad/test_counterfactual.csv; named by their folder and file stem.
  std::vector<std::filesystem::path> challenge_sets;
  // Not part of the key: round r > 1 depends only on the options above and the
  // rounds before it, so `--rounds 3` after `--rounds 2` reuses the first two
  // rounds.
  int rounds = 1;               // discover -> teach -> augment -> retrain, repeated on the last model
  std::size_t attribution = 0;  // hypotheses of the last round attributed by leave-one-out retraining
};

// Throws Error{usage} naming the option when `options.external` and `options.baseline_model` cannot
// make a loop: a train command without a model spec holding {model}, a model file as the spec,
// a train command without {train} or {model}, or further rounds or attribution with no way to
// retrain.
void check_external_model(const LoopOptions& options);

// The sample budget of `run` without an explicit one (docs/run.md, "Budget"): `share` of the rows of
// the train split in `data`, at least 1; a share <= 0 gives 0, every accepted sample.
std::size_t sample_budget_for_share(const std::filesystem::path& data, double share);

// SHA-256 of the canonical JSON of `options` and the content hashes of the dataset's splits.
std::string loop_key(const LoopOptions& options);
// The same over the options of the steps before teaching (data, model, threshold, dev attack,
// seed, and with label_issues the triage's folds): loops that differ only in their teacher, or only
// in teach_label_issues, share those steps and their files. Without label_issues both keys are what
// they were before the triage existed.
std::string baseline_key(const LoopOptions& options);

// Metrics of one model on the test split.
struct TestMetrics {
  double accuracy = 0;
  double macro_f1 = 0;
  double ece = 0;
  double brier = 0;
  std::vector<std::pair<double, std::int64_t>> uu_counts;  // threshold -> natural UUs on test
  std::int64_t adversarial_attacked = 0;
  std::int64_t adversarial_uus = 0;
  std::vector<eval::ReliabilityBin> reliability;          // 15 bins, as `eval` reports them
  std::vector<std::int64_t> confidence_histogram;         // predicted-class confidence, 10 bins over [1/labels, 1]
  std::vector<std::pair<std::string, double>> challenge;  // "<set>:accuracy", "<set>:uus@0.65", ...
  // Per example, for intervals over test examples: correct (per test row), a UU at the loop's
  // threshold (per test row), an adversarial UU (per row of the seeded attack sample, in row order).
  std::vector<int> correct;
  std::vector<int> uu;
  std::vector<int> adversarial;
  // Per row of the seeded attack sample (as `adversarial`): its test row's index, and 1 when it was
  // attacked (the model read it right; a misread row is a natural error, not attacked).
  std::vector<std::int64_t> attack_rows;
  std::vector<int> attacked;
  // Per test row: 1 when an attacker can reach a confident error on it: a natural UU, or an
  // adversarial UU of a row of the seeded attack sample read right. reachable_errors is their sum.
  std::vector<int> reachable;
  std::int64_t reachable_errors = 0;
  // Per test row: the gold and predicted label's index, the predicted class's probability and the
  // row's Brier term (sum over classes of (p - y)^2), for intervals of macro-F1, ECE and Brier.
  std::vector<int> gold;
  std::vector<int> predicted;
  std::vector<double> confidence;
  std::vector<double> squared_error;
};

// Adversarial UUs per attacked row (a row of the seeded sample the model read right); nullopt when
// no row was attacked.
std::optional<double> adversarial_uu_rate(const TestMetrics& metrics);

struct StepReport {
  std::string step;
  bool reused = false;  // done by an earlier invocation: skipped
  double seconds = 0;   // of the invocation that did it
};

// What one round did (round 1 starts from the baseline, round r from round
// r-1's model).
struct RoundResult {
  int round = 1;
  std::int64_t dev_uus = 0;  // UUs of the round's starting model on dev
  std::int64_t blind_spots = 0;
  std::int64_t hypotheses = 0;
  std::int64_t samples_accepted = 0;
  std::int64_t samples_added = 0;  // by this round (train then holds every round's)
  std::int64_t dev_uus_fixed = 0;  // of this round's dev UUs, no longer UUs after its retraining
  std::int64_t dev_uus_taught = 0;  // of them, offered to the teacher
  std::int64_t held_out_uus = 0;    // of them, held out of teaching (LoopOptions::held_out_share)
  std::int64_t held_out_fixed = 0;  // of the held-out ones, no longer UUs after retraining
  std::vector<std::pair<int, std::int64_t>> fixed_by_blind_spot;
  // Label-issue triage of the round's dev scan (LoopOptions::label_issues); folds 0: not estimated.
  // Flagged UUs are counted in dev_uus but are not taught, nor held out, unless label_issues_taught.
  int label_folds = 0;
  std::int64_t dev_label_issues = 0;  // of dev_uus, probable label issues
  bool label_issues_taught = false;   // LoopOptions::teach_label_issues
  TestMetrics after;  // the round's retrained model on test
};

// Did the samples of one hypothesis help? The loop's model retrained without
// them, compared with the model trained with all the round's samples, on the
// round's dev UUs (docs/run.md).
struct HypothesisAttribution {
  std::string hypothesis_id;
  std::string task;
  int blind_spot = -1;
  std::string text;
  std::int64_t samples = 0;        // its samples among those added to train
  std::int64_t fixed_without = 0;  // dev UUs fixed by the model trained without them
  // Dev UUs fixed with all samples but not without this hypothesis' samples,
  // minus the reverse: > 0 its samples helped, < 0 they hurt, 0 no measurable
  // effect. Retraining without any one sample also moves borderline UUs either
  // way, so both directions are kept: a hypothesis' effect is credible when
  // fixed_only_with clearly exceeds fixed_only_without.
  std::int64_t marginal_fixed = 0;
  std::int64_t fixed_only_with = 0;               // dev UUs fixed with all samples, not without its samples
  std::int64_t fixed_only_without = 0;            // the reverse
  std::int64_t marginal_fixed_in_blind_spot = 0;  // marginal_fixed, counted in its own blind spot
  bool source_uu_fixed = false;                   // the UU it was written for, fixed with all samples
  bool source_uu_fixed_without = false;           // ... and without this hypothesis' samples
};

// `attribution` as a JSON array of objects (the layout of attribution.json, docs/run.md).
std::string attribution_json(const std::vector<HypothesisAttribution>& attribution);

struct LoopResult {
  std::string key;
  std::filesystem::path folder;
  std::vector<StepReport> steps;
  TestMetrics before;  // baseline model
  // The baseline against the majority-class rate, its classes' recall and its train-set accuracy,
  // on test; and how its settings were chosen ("default settings", "autotuned on dev: ...").
  eval::BaselineCheck baseline_check;
  std::string baseline_settings;
  TestMetrics after;   // retrained on train + accepted samples
  std::int64_t dev_uus = 0;
  std::int64_t dev_uus_fixed = 0;  // of the taught model's dev UUs, no longer UUs after retraining
  std::int64_t dev_uus_taught = 0;
  std::int64_t held_out_uus = 0;
  std::int64_t held_out_fixed = 0;  // the honest count: held-out dev UUs fixed
  std::vector<std::pair<int, std::int64_t>> fixed_by_blind_spot;  // blind spot -> dev UUs fixed
  std::int64_t blind_spots = 0;
  // The last grouped round's label-issue triage (as RoundResult's; folds 0: not estimated).
  int label_folds = 0;
  std::int64_t dev_label_issues = 0;
  bool label_issues_taught = false;
  std::int64_t hypotheses = 0;
  std::int64_t samples_accepted = 0;
  std::int64_t samples_added = 0;
  std::size_t labels = 0;  // of the task
  bool complete = false;   // false when stopped by stop_after or because the model cannot be retrained
  // Set when the loop stopped after augment because nothing here can retrain the model (a served
  // model without a train command): what to tell the user, and the file to retrain it with.
  std::string stopped_because;
  std::filesystem::path retrain_with;
  // The fields above from dev_uus on describe the last round that got that far;
  // each finished round is here too.
  std::vector<RoundResult> rounds;
  std::vector<HypothesisAttribution> attribution;  // of the last round, when options.attribution > 0
  teach::TeachingCost teach_cost;  // LLM tokens and USD of every round's teaching (replies from the store included)
};

// Where a loop keeps its files and records, and who teaches.
struct LoopContext {
  std::filesystem::path root;   // loop folders: root/<baseline key>/ and root/<baseline key>/<loop key>/
  store::Database& store;       // the loop_steps records, the teaching records, the LLM cache
  std::int64_t run_id = 0;      // the run that does the steps
  TeacherFactory make_teacher;  // the teacher of each teach step; must match LoopOptions::teacher
};

// How far a call goes and who hears of each step.
struct LoopControl {
  // One of round_step_names(): the call ends after that step, as a kill would. Empty: to the end.
  std::string stop_after;
  std::function<void(const StepReport&)> on_step = {};  // after each step, done or reused
};

// Runs (or resumes) the loop: train baseline -> scan dev -> attack dev -> group
// -> teach -> augment -> retrain -> evaluate, then for further rounds the same
// from scan dev on, starting from the last retrained model (files in
// <loop>/round<r>/, train growing by each round's samples), then the optional
// attribution. Files of the steps before teaching go to root/<baseline key>/,
// the others to root/<baseline key>/<loop key>/ (both keys shortened to 16 hex
// digits); each finished step is recorded in the store (table loop_steps) with
// its outputs' hashes, and a later call with the same options skips it.
// With options.external, models are trained by its command and opened through its spec; a
// command that fails throws Error{remote} with its exit status and last stderr lines, and no step
// after it runs. A served model without a train command stops after augment (stopped_because).
// With options.label_issues, every dev scan is triaged (docs/label-issues.md, "In run and
// experiment"): its UUs carry label_issue and label_quality in the loop's UU files.
// Throws Error{usage} for rounds < 1, a stop_after that names no step of the loop, external
// options that cannot work (check_external_model), label_folds < 2, teach_label_issues without
// label_issues, or label_issues with an external model (only fastText is retrained on k folds).
LoopResult run_loop(const LoopOptions& options, const LoopContext& context, const LoopControl& control = {});

}  // namespace blindspot::loop
