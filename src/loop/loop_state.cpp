#include "loop_state.hpp"

#include "label_issue_triage.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/data/dataset_reader.hpp"

#include <algorithm>
#include <chrono>

namespace blindspot::loop::detail {
namespace {

data::Split read_named_split(const std::filesystem::path& data, const std::string& name, const data::LabelSet& labels) {
  data::Split split = data::read_split(data::find_split_file(data, name), labels);
  split.name = name;
  return split;
}

void check_control(const LoopOptions& options, const LoopControl& control) {
  if (options.rounds < 1) throw core::Error(core::ErrorKind::usage, "rounds must be at least 1");
  const std::vector<std::string> all_steps = round_step_names(options.rounds);
  if (!control.stop_after.empty() &&
      std::find(all_steps.begin(), all_steps.end(), control.stop_after) == all_steps.end()) {
    throw core::Error(core::ErrorKind::usage, "no step \"" + control.stop_after + "\" in a loop of " +
                                                  std::to_string(options.rounds) + " round(s)");
  }
}

}  // namespace

std::string RoundState::step_name(const char* step) const {
  return round == 1 ? std::string(step) : std::string(step) + "@" + std::to_string(round);
}

namespace {

// `key` tied to the content of the model file a step starts from (models made by a command only:
// the same command may train a different model, whose UUs and samples differ).
std::string with_model_hash(const std::string& key, const std::filesystem::path& model) {
  return core::sha256_hex(key + ":model=" + core::sha256_file(model));
}

}  // namespace

std::filesystem::path baseline_file(const LoopRun& run) {
  if (!run.options.baseline_model.empty()) return run.options.baseline_model;
  if (!run.maker->can_train()) return {};
  return run.base_folder / run.maker->file_name("baseline");
}

std::filesystem::path retrained_file(const LoopRun& run, const RoundState& state) {
  return state.path(run.maker->file_name("retrained"));
}

std::string evaluation_key(const LoopRun& run, const RoundState& state) {
  if (!run.external) return run.result.key;
  return with_model_hash(state.key, retrained_file(run, state));
}

namespace {

// The model a round starts from: round 1 the baseline (given, trained or served), round r round
// r-1's retrained model.
std::unique_ptr<model::Classifier> open_starting_model(const LoopRun& run, const RoundState& state,
                                                       std::filesystem::path& file) {
  if (state.round == 1) {
    file = baseline_file(run);
    return file.empty() ? run.maker->open_served() : run.maker->open(file);
  }
  const std::filesystem::path& loop_folder = run.result.folder;
  const std::filesystem::path previous =
      state.round == 2 ? loop_folder : loop_folder / ("round" + std::to_string(state.round - 1));
  file = previous / run.maker->file_name("retrained");
  return run.maker->open(file);
}

}  // namespace

LoopRun start_loop(const LoopOptions& options, const LoopContext& context, const LoopControl& control) {
  check_control(options, control);
  check_external_model(options);
  check_label_issue_options(options);
  LoopRun run(options, context, control);
  run.maker = make_model_maker(options);
  run.external = !options.external.spec.empty();
  run.result.key = loop_key(options);
  run.base_key = baseline_key(options);
  run.base_folder = context.root / run.base_key.substr(0, 16);
  run.result.folder = run.base_folder / run.result.key.substr(0, 16);
  std::filesystem::create_directories(run.result.folder);
  run.train = data::read_training_split(data::find_split_file(options.data, "train"), std::nullopt);
  run.dev = read_named_split(options.data, "dev", run.train.labels);
  run.test = read_named_split(options.data, "test", run.train.labels);
  run.result.labels = run.train.labels.size();
  return run;
}

RoundState start_round(LoopRun& run, int round) {
  RoundState state;
  state.round = round;
  state.result.round = round;
  const std::filesystem::path& loop_folder = run.result.folder;
  state.folder = round == 1 ? loop_folder : loop_folder / ("round" + std::to_string(round));
  state.discovery_key = round == 1 ? run.base_key : run.result.key;
  state.discovery_folder = round == 1 ? run.base_folder : state.folder;
  std::filesystem::create_directories(state.folder);
  std::filesystem::path model_file;
  auto model = open_starting_model(run, state, model_file);
  state.key = run.result.key;
  if (run.external && !model_file.empty()) {
    state.discovery_key = with_model_hash(state.discovery_key, model_file);
    state.key = with_model_hash(state.key, model_file);
  }
  if (round == 1) {
    run.baseline = std::move(model);
    state.model = run.baseline.get();
  } else {
    state.own_model = std::move(model);
    state.model = state.own_model.get();
  }
  // Train as this round's model saw it: the filters then also reject repeats of earlier rounds' samples.
  state.train = round == 1 ? run.train : augment::augmented_split(run.train, run.earlier_picks);
  return state;
}

void finish_round(LoopRun& run, RoundState& state) {
  run.earlier_picks.insert(run.earlier_picks.end(), state.picks.begin(), state.picks.end());
}

StepRecord run_step(LoopRun& run, const std::string& key, const std::string& name,
                    const std::function<nlohmann::json()>& work) {
  store::Database& store = run.context.store;
  std::optional<StepRecord> record = find_step(store, key, name);
  if (record) {
    run.result.steps.push_back({name, true, record->seconds});
  } else {
    const auto started = std::chrono::steady_clock::now();
    nlohmann::json outputs = work();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    record_step(store, key, name, run.context.run_id, outputs, seconds);
    record = StepRecord{run.context.run_id, std::move(outputs), seconds};
    run.result.steps.push_back({name, false, seconds});
  }
  if (run.control.on_step) run.control.on_step(run.result.steps.back());
  return *record;
}

StepOutcome outcome_of(const LoopRun& run, const std::string& name) {
  return name == run.control.stop_after ? StepOutcome::stop : StepOutcome::go_on;
}

}  // namespace blindspot::loop::detail
