#include "blindspot/loop/mitigation_loop.hpp"

#include "attribution.hpp"
#include "loop_state.hpp"

#include "blindspot/core/sha256.hpp"
#include "blindspot/data/dataset_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace blindspot::loop {

using nlohmann::json;

const std::vector<std::string>& step_names() {
  static const std::vector<std::string> names = {"train_baseline", "scan_dev", "attack_dev", "group",
                                                 "teach",          "augment",  "retrain",    "evaluate"};
  return names;
}

namespace {

// What the steps before teaching depend on.
json baseline_json(const LoopOptions& o) {
  const model::FastTextOptions& m = o.model;
  json key = {{"data", std::filesystem::weakly_canonical(o.data).string()},
              {"model",
               {{"dimension", m.dimension},
                {"epochs", m.epochs},
                {"learning_rate", m.learning_rate},
                {"word_ngrams", m.word_ngrams},
                {"min_char_ngram", m.min_char_ngram},
                {"max_char_ngram", m.max_char_ngram},
                {"min_count", m.min_count},
                {"buckets", m.buckets},
                {"threads", m.threads},
                {"seed", m.seed},
                {"quantize", m.quantize}}},
              {"tuning", {{"mode", static_cast<int>(o.tuning.mode)}, {"seconds", o.tuning.seconds}}},
              {"threshold", o.threshold},
              {"dev_attack_rows", o.dev_attack_rows},
              {"attack_budget", o.attack_budget},
              {"seed", o.seed}};
  // fastText trained in process: a model of another training version is another model.
  if (o.external.spec.empty()) key["model"]["training_version"] = model::kFastTextTrainingVersion;
  // Only when used, so that the keys of fastText loops stay what they were.
  if (!o.external.spec.empty()) {
    key["external"] = {{"model", model::displayable_source(o.external.spec)},
                       {"train_command", o.external.train_command}};
  }
  if (!o.baseline_model.empty()) key["baseline_model_sha256"] = core::sha256_file(o.baseline_model);
  // Only when on, so that the keys of loops without the triage stay what they were.
  if (o.label_issues) key["label_issues"] = {{"folds", o.label_folds}};
  return key;
}

json options_json(const LoopOptions& o) {
  json challenge = json::array();
  for (const auto& file : o.challenge_sets) challenge.push_back(std::filesystem::weakly_canonical(file).string());
  json key = {{"baseline", baseline_json(o)},
          {"max_uus", o.max_uus ? json(*o.max_uus) : json("from the budget")},
          {"held_out_share", o.held_out_share},
          {"length_rule", {o.length_low_factor, o.length_high_factor}},
          {"extrapolate", o.extrapolate},
          {"samples_per_hypothesis", o.samples_per_hypothesis},
          {"sample_budget", o.sample_budget},
          {"test_attack_rows", o.test_attack_rows},
          {"teacher", o.teacher},
          {"teacher_settings", json::parse(o.teacher_settings_json)},
          {"challenge_sets", challenge},
          // Bumped when the evaluate step's output changes, so older loops are evaluated again.
          {"evaluation_version", 3}};
  if (o.label_issues) key["teach_label_issues"] = o.teach_label_issues;
  return key;
}

}  // namespace

namespace {

json with_data_hashes(json key, const LoopOptions& options) {
  for (const char* split : {"train", "dev", "test"}) {
    key["data_sha256"][split] = core::sha256_file(data::find_split_file(options.data, split));
  }
  for (const auto& file : options.challenge_sets) key["challenge_sha256"].push_back(core::sha256_file(file));
  return key;
}

}  // namespace

std::string loop_key(const LoopOptions& options) {
  return core::sha256_hex(with_data_hashes(options_json(options), options).dump());
}

std::size_t sample_budget_for_share(const std::filesystem::path& data, double share) {
  if (share <= 0) return 0;
  const std::size_t rows = data::read_records(data::find_split_file(data, "train")).size();
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(share * static_cast<double>(rows))));
}

std::string baseline_key(const LoopOptions& options) {
  LoopOptions without_challenges = options;
  without_challenges.challenge_sets.clear();
  return core::sha256_hex(with_data_hashes(baseline_json(options), without_challenges).dump());
}

std::vector<std::string> round_step_names(int rounds) {
  std::vector<std::string> names = step_names();
  for (int round = 2; round <= rounds; ++round) {
    for (const auto& name : step_names()) {
      if (name != "train_baseline") names.push_back(name + "@" + std::to_string(round));
    }
  }
  return names;
}

LoopResult run_loop(const LoopOptions& options, const LoopContext& context, const LoopControl& control) {
  using detail::StepOutcome;
  // The steps of every round, in order; attribute does something only after the last round.
  using RoundStep = StepOutcome (*)(detail::LoopRun&, detail::RoundState&);
  static constexpr RoundStep kRoundSteps[] = {detail::scan_dev, detail::attack_dev, detail::group,
                                              detail::teach,    detail::augment,    detail::retrain,
                                              detail::evaluate, detail::attribute};
  detail::LoopRun run = detail::start_loop(options, context, control);
  if (detail::train_baseline(run) == StepOutcome::stop) return std::move(run.result);
  for (int round = 1; round <= options.rounds; ++round) {
    detail::RoundState state = detail::start_round(run, round);
    for (const RoundStep step : kRoundSteps) {
      if (step(run, state) == StepOutcome::stop) return std::move(run.result);
    }
    detail::finish_round(run, state);
  }
  run.result.complete = true;
  return std::move(run.result);
}

std::string attribution_json(const std::vector<HypothesisAttribution>& attribution) {
  json list = json::array();
  for (const auto& a : attribution) list.push_back(detail::to_json(a));
  return list.dump();
}

}  // namespace blindspot::loop
