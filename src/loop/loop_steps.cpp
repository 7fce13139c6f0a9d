// The steps of the mitigation loop (docs/run.md), each over the loop's and the round's state:
// what it computes when it runs, and what it takes from its record when an earlier call did it.

#include "attribution.hpp"
#include "held_out.hpp"
#include "label_issue_triage.hpp"
#include "loop_state.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/attack_output.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/discover/uu_output.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/group/blind_spots.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/teach/filters.hpp"
#include "blindspot/teach/teach_output.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "blindspot/teach/uu_source.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

namespace blindspot::loop::detail {
namespace {

using nlohmann::json;

// The UUs of a file the loop wrote; none when it is missing or holds none (an attack in which no
// attack succeeded is a result, not an error).
std::vector<discover::Uu> read_loop_uus(const std::filesystem::path& file, const data::LabelSet& labels) {
  if (!std::filesystem::exists(file)) return {};
  return teach::read_uus_jsonl(file, labels);
}

// The accepted samples `samples_file` adds to train under the budget, ordered
// by id as the augmented training file always was.
std::vector<teach::Sample> picked_samples(const std::filesystem::path& samples_file, const data::LabelSet& labels,
                                          std::size_t budget) {
  auto samples = teach::read_samples_jsonl(samples_file);
  std::sort(samples.begin(), samples.end(), [](const teach::Sample& a, const teach::Sample& b) { return a.id < b.id; });
  return augment::pick_samples(samples, labels, budget);
}

json cost_json(const teach::TeachingCost& cost) {
  return {{"prompt_tokens", cost.prompt_tokens},
          {"completion_tokens", cost.completion_tokens},
          {"usd", cost.usd},
          {"unpriced", cost.unpriced}};
}

// Adds the cost a teach step recorded (with the step, so that a reused step still reports what its
// teaching cost).
void add_cost(teach::TeachingCost& total, const json& outputs) {
  const json cost = outputs.value("cost", json::object());
  total.prompt_tokens += cost.value("prompt_tokens", std::int64_t{0});
  total.completion_tokens += cost.value("completion_tokens", std::int64_t{0});
  total.usd += cost.value("usd", 0.0);
  total.unpriced = total.unpriced || cost.value("unpriced", false);
}

// The round's sample filter: the loop's length rule, and the held-out UUs' texts rejected as dev_leak.
std::unique_ptr<teach::SampleFilter> round_filter(const LoopRun& run, const RoundState& state,
                                                  const std::vector<discover::Uu>& held_out) {
  teach::FilterOptions filter_options;
  filter_options.length_low_factor = run.options.length_low_factor;
  filter_options.length_high_factor = run.options.length_high_factor;
  filter_options.threads = run.options.threads;
  auto filter = std::make_unique<teach::SampleFilter>(run.train.labels, state.train, &run.test, filter_options);
  filter->hold_out(held_out);
  return filter;
}

// Teaches the round's taught UUs (the held-out ones are neither shown to the teacher nor let into
// its samples) and writes the hypotheses and samples; throws Error{remote} when an LLM call failed
// in a way a rerun may fix (the step is then not recorded as done).
json teach_round(LoopRun& run, RoundState& state) {
  const LoopOptions& options = run.options;
  store::Database& store = run.context.store;
  // Probable label issues are neither taught nor held out unless the user teaches them.
  const std::vector<discover::Uu> teachable = teach::teachable_uus(state.uus, options.teach_label_issues);
  const DevUuSplit split = split_held_out(teachable, options.held_out_share, options.seed);
  const auto teacher = run.context.make_teacher({run.train, *state.model, split.taught, store, run.context.run_id});
  const auto filter = round_filter(run, state, split.held_out);
  teach::TeachOptions teach_options;
  teach_options.max_uus = uus_to_teach(options, static_cast<std::size_t>(state.result.blind_spots));
  teach_options.extrapolate = options.extrapolate;
  teach_options.samples_per_hypothesis = options.samples_per_hypothesis;
  teach_options.seed = options.seed;
  teach_options.teach_label_issues = options.teach_label_issues;
  const teach::TeachResult taught = teach::teach(*teacher, split.taught, *filter, teach_options);
  for (const auto& failure : taught.failures) {
    // Not recorded as done: a rerun retries the failed calls (finished ones come from the cache).
    if (failure.retryable) {
      throw core::Error(core::ErrorKind::remote, "teach step: " + failure.task + " of " + failure.item_id + ": " +
                                                     failure.reason + "; rerun to continue");
    }
  }
  const bool baseline_teacher = teacher->is_baseline();
  teach::write_hypotheses_jsonl(state.path("hypotheses.jsonl"), taught.hypotheses, baseline_teacher);
  teach::write_samples_jsonl(state.path("samples.jsonl"), taught.samples, baseline_teacher);
  teach::record_teaching(store, run.context.run_id, taught);
  std::int64_t accepted = 0;
  for (const auto& s : taught.samples) accepted += s.accepted ? 1 : 0;
  json outputs = {{"files",
                   {{"hypotheses", file_entry(state.path("hypotheses.jsonl"))},
                    {"samples", file_entry(state.path("samples.jsonl"))}}},
                  {"hypotheses", taught.hypotheses.size()},
                  {"samples_accepted", accepted},
                  {"uus_taught", taught.taught.size()},
                  {"uus_held_out", split.held_out.size()},
                  {"cost", cost_json(teacher->cost())}};
  if (options.label_issues) outputs["label_issues_left_out"] = state.uus.size() - teachable.size();
  return outputs;
}

// How many of the round's dev UUs the retrained model fixed: all of them (per blind spot too),
// and the held-out ones, the count that no teacher's copying can inflate.
json fixed_json(const RoundState& state, const std::vector<bool>& still, const LoopOptions& options) {
  std::int64_t fixed = 0;
  std::map<int, std::int64_t> fixed_by_blind_spot;
  std::map<std::string, bool> fixed_by_id;
  for (std::size_t i = 0; i < state.uus.size(); ++i) {
    fixed += still[i] ? 0 : 1;
    fixed_by_blind_spot[state.uus[i].blind_spot] += still[i] ? 0 : 1;
    fixed_by_id[state.uus[i].id] = !still[i];
  }
  // The held-out UUs of teach_round: probable label issues are no blind spot to fix unless taught.
  const DevUuSplit split = split_held_out(teach::teachable_uus(state.uus, options.teach_label_issues),
                                          options.held_out_share, options.seed);
  std::int64_t held_out_fixed = 0;
  for (const auto& uu : split.held_out) held_out_fixed += fixed_by_id.at(uu.id) ? 1 : 0;
  json by_blind_spot = json::array();
  for (const auto& [id, count] : fixed_by_blind_spot) by_blind_spot.push_back({id, count});
  return {{"dev_uus_fixed", fixed},
          {"dev_uus_taught", state.result.dev_uus_taught},
          {"held_out_uus", split.held_out.size()},
          {"held_out_fixed", held_out_fixed},
          {"fixed_by_blind_spot", by_blind_spot}};
}

// How many of the round's dev UUs the retrained model fixed (fixed_json) and its test metrics
// (round 1: the baseline's too).
json evaluate_round(LoopRun& run, const RoundState& state) {
  const auto retrained = run.maker->open(retrained_file(run, state));
  const std::vector<bool> still = still_uus(*retrained, state.uus, run.options.threshold);
  json metrics = fixed_json(state, still, run.options);
  if (!run.challenges) run.challenges = read_challenge_sets(run.options, run.train.labels);
  metrics["after"] = metrics_json(test_metrics(*retrained, run.test, *run.challenges, run.options));
  // The baseline's test metrics once, in round 1.
  if (state.round == 1)
    metrics["before"] = metrics_json(test_metrics(*run.baseline, run.test, *run.challenges, run.options));
  return metrics;
}

}  // namespace

StepOutcome scan_dev(LoopRun& run, RoundState& state) {
  const std::string name = state.step_name("scan_dev");
  run_step(run, state.discovery_key, name, [&] {
    auto scan = discover::scan(*state.model, run.dev, scan_options(run.options));
    json outputs = {{"files", json::object()}, {"uus", scan.uus.size()}};
    if (run.options.label_issues) {
      const auto file = state.discovered("dev.label_issues.json");
      const model::FastTextOptions* settings = run.maker->fasttext_settings();
      // check_label_issue_options() let no model made by a command through.
      if (settings == nullptr) throw core::Error(core::ErrorKind::internal, "label issues: no fastText settings");
      outputs["label_issues"] = triage_dev_scan(run.options, *settings, state.train, run.dev, scan, file);
      outputs["files"]["label_issues"] = file_entry(file);
    }
    discover::write_uus_jsonl(state.discovered("dev.uus.jsonl"), run.dev, scan, discover::UuOrder::split);
    outputs["files"]["uus"] = file_entry(state.discovered("dev.uus.jsonl"));
    return outputs;
  });
  return outcome_of(run, name);
}

StepOutcome attack_dev(LoopRun& run, RoundState& state) {
  const std::string name = state.step_name("attack_dev");
  run_step(run, state.discovery_key, name, [&] {
    const LoopOptions& options = run.options;
    discover::AttackOptions attack;
    attack.threshold = options.threshold;
    attack.budget = options.attack_budget;
    attack.seed = options.seed;
    attack.threads = options.threads;
    attack.max_examples = options.dev_attack_rows;
    discover::AttackRun attacked;
    attacked.recipe = "deepwordbug";
    if (options.dev_attack_rows > 0) {
      attacked = discover::attack_split(*state.model, *discover::make_recipe("deepwordbug"), run.dev, attack);
    }
    discover::write_attacks_jsonl(state.discovered("dev.attacks.jsonl"), run.dev, attacked);
    return json{{"files", {{"attacks", file_entry(state.discovered("dev.attacks.jsonl"))}}},
                {"uus", discover::summarise(attacked).succeeded}};
  });
  return outcome_of(run, name);
}

StepOutcome group(LoopRun& run, RoundState& state) {
  const std::string name = state.step_name("group");
  const data::LabelSet& labels = run.train.labels;
  const StepRecord grouped = run_step(run, state.discovery_key, name, [&] {
    std::vector<discover::Uu> uus = read_loop_uus(state.discovered("dev.uus.jsonl"), labels);
    for (auto& uu : read_loop_uus(state.discovered("dev.attacks.jsonl"), labels)) uus.push_back(std::move(uu));
    if (run.options.label_issues) mark_adversarial_uus(uus, state.discovered("dev.label_issues.json"));
    group::GroupOptions group_options;
    group_options.clustering.kmeans.seed = run.options.seed;
    group_options.clustering.kmeans.threads = run.options.threads;
    const group::Grouping grouping = group::group_uus(*state.model, uus, group_options);
    teach::write_uus_jsonl(state.discovered("uus.jsonl"), uus);
    core::write_file_atomically(state.discovered("blind_spots.json"), group::to_json(grouping));
    json outputs = {{"files",
                     {{"uus", file_entry(state.discovered("uus.jsonl"))},
                      {"blind_spots", file_entry(state.discovered("blind_spots.json"))}}},
                    {"uus", uus.size()},
                    {"blind_spots", grouping.k}};
    if (run.options.label_issues) outputs["label_issues"] = count_label_issues(uus);
    return outputs;
  });
  state.result.dev_uus = grouped.outputs.at("uus");
  state.result.blind_spots = grouped.outputs.at("blind_spots");
  run.result.dev_uus = state.result.dev_uus;
  run.result.blind_spots = state.result.blind_spots;
  if (run.options.label_issues) {
    state.result.label_folds = run.options.label_folds;
    state.result.dev_label_issues = grouped.outputs.at("label_issues");
    state.result.label_issues_taught = run.options.teach_label_issues;
  }
  run.result.label_folds = state.result.label_folds;
  run.result.dev_label_issues = state.result.dev_label_issues;
  run.result.label_issues_taught = state.result.label_issues_taught;
  return outcome_of(run, name);
}

StepOutcome teach(LoopRun& run, RoundState& state) {
  const std::string name = state.step_name("teach");
  state.uus = read_loop_uus(state.discovered("uus.jsonl"), run.train.labels);
  const StepRecord taught = run_step(run, state.key, name, [&] { return teach_round(run, state); });
  add_cost(run.result.teach_cost, taught.outputs);
  state.result.hypotheses = taught.outputs.at("hypotheses");
  state.result.samples_accepted = taught.outputs.at("samples_accepted");
  state.result.dev_uus_taught = taught.outputs.value("uus_taught", std::int64_t{0});
  run.result.hypotheses = state.result.hypotheses;
  run.result.samples_accepted = state.result.samples_accepted;
  run.result.dev_uus_taught = state.result.dev_uus_taught;
  return outcome_of(run, name);
}

StepOutcome augment(LoopRun& run, RoundState& state) {
  const std::string name = state.step_name("augment");
  // This round's own teach output (the store's samples table is per run, and one run, an
  // experiment, teaches many loops), under this round's budget, after the earlier rounds' picks.
  state.picks = picked_samples(state.path("samples.jsonl"), run.train.labels, run.options.sample_budget);
  const StepRecord augmented = run_step(run, state.key, name, [&] {
    augment::write_split_csv(state.path("train.augmented.csv"), augment::augmented_split(state.train, state.picks));
    return json{{"files", {{"train", file_entry(state.path("train.augmented.csv"))}}}, {"added", state.picks.size()}};
  });
  state.result.samples_added = augmented.outputs.at("added");
  run.result.samples_added = state.result.samples_added;
  return outcome_of(run, name);
}

StepOutcome retrain(LoopRun& run, RoundState& state) {
  const std::string name = state.step_name("retrain");
  if (!run.maker->can_train()) {
    // Nothing here can retrain a served model: the user retrains it with the augmented train.
    run.result.retrain_with = std::filesystem::absolute(state.path("train.augmented.csv"));
    run.result.stopped_because = run.maker->cannot_train_reason(run.result.retrain_with);
    return StepOutcome::stop;
  }
  run_step(run, state.key, name, [&] {
    const std::filesystem::path train_file = state.path("train.augmented.csv");
    // A train command reads the file itself; fastText reads it here, as it always did.
    const data::Split train =
        run.maker->reads_files() ? data::Split{} : data::read_training_split(train_file, run.train.labels);
    const std::string command = run.maker->train({train, train_file}, retrained_file(run, state));
    json outputs = {{"files", {{"model", file_entry(retrained_file(run, state))}}}};
    if (!command.empty()) outputs["command"] = command;
    return outputs;
  });
  return outcome_of(run, name);
}

StepOutcome evaluate(LoopRun& run, RoundState& state) {
  const std::string name = state.step_name("evaluate");
  const StepRecord evaluated = run_step(run, evaluation_key(run, state), name, [&] {
    const json metrics = evaluate_round(run, state);
    core::write_file_atomically(state.path("metrics.json"), metrics.dump(2));
    return json{{"files", {{"metrics", file_entry(state.path("metrics.json"))}}}, {"metrics", metrics}};
  });
  const json& metrics = evaluated.outputs.at("metrics");
  if (state.round == 1) run.result.before = metrics_from_json(metrics.at("before"));
  state.result.after = metrics_from_json(metrics.at("after"));
  state.result.dev_uus_fixed = metrics.at("dev_uus_fixed");
  state.result.dev_uus_taught = metrics.value("dev_uus_taught", state.result.dev_uus_taught);
  state.result.held_out_uus = metrics.value("held_out_uus", std::int64_t{0});
  state.result.held_out_fixed = metrics.value("held_out_fixed", std::int64_t{0});
  for (const json& pair : metrics.at("fixed_by_blind_spot")) {
    state.result.fixed_by_blind_spot.emplace_back(pair[0].get<int>(), pair[1].get<std::int64_t>());
  }
  run.result.after = state.result.after;
  run.result.dev_uus_fixed = state.result.dev_uus_fixed;
  run.result.dev_uus_taught = state.result.dev_uus_taught;
  run.result.held_out_uus = state.result.held_out_uus;
  run.result.held_out_fixed = state.result.held_out_fixed;
  run.result.fixed_by_blind_spot = state.result.fixed_by_blind_spot;
  run.result.rounds.push_back(state.result);
  return outcome_of(run, name);
}

StepOutcome attribute(LoopRun& run, RoundState& state) {
  const LoopOptions& options = run.options;
  if (state.round != options.rounds || options.attribution == 0) return StepOutcome::go_on;
  // Its own key: attributing (or not, or more hypotheses) never changes the loop's other results.
  const std::string key = core::sha256_hex(
      fmt::format("{}:rounds={}:attribution={}", evaluation_key(run, state), options.rounds, options.attribution));
  const StepRecord attributed = run_step(run, key, "attribute", [&] {
    const auto full_model = run.maker->open(retrained_file(run, state));
    json list = json::array();
    const AttributionInputs inputs{state.path("hypotheses.jsonl"), *full_model, state.train, state.picks, state.uus};
    for (const auto& a : attribute_hypotheses(options, *run.maker, inputs, state.path("attribution"))) {
      list.push_back(to_json(a));
    }
    core::write_file_atomically(state.path("attribution.json"), list.dump(2));
    return json{{"files", {{"attribution", file_entry(state.path("attribution.json"))}}}, {"attribution", list}};
  });
  for (const json& a : attributed.outputs.at("attribution")) run.result.attribution.push_back(attribution_from_json(a));
  return outcome_of(run, "attribute");
}

}  // namespace blindspot::loop::detail
