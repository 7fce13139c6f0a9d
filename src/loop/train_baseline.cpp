// The loop's first step: the baseline model, trained (fastText in process, tuned on dev when its
// settings fall short, or the user's train command) or given, and checked against the
// majority-class rate and its own training set (docs/run.md, "The baseline"; docs/baseline.md).

#include "loop_state.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/eval/baseline_check.hpp"
#include "blindspot/model/fasttext_tuning.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::loop::detail {
namespace {

using nlohmann::json;
using Mode = BaselineTuning::Mode;

// The original train split as a text,label CSV for a train command: the file itself when it is a
// CSV (the loop read it with the columns text and label), else a CSV written beside the baseline.
std::filesystem::path original_train_csv(const LoopRun& run) {
  if (!run.maker->reads_files()) return {};
  const std::filesystem::path original = data::find_split_file(run.options.data, "train");
  if (original.extension() == ".csv") return std::filesystem::absolute(original);
  const std::filesystem::path written = run.base_folder / "train.csv";
  augment::write_split_csv(written, run.train);
  return written;
}

// `model` on `split` against train's majority label, with its accuracy on a seeded train sample.
eval::BaselineCheck checked_on(const LoopRun& run, const model::Classifier& model, const data::Split& split) {
  discover::ScanOptions scan_options;
  scan_options.threshold = run.options.threshold;
  scan_options.threads = run.options.threads;
  const discover::ScanResult scan = discover::scan(model, split, scan_options);
  const discover::ScanResult train_scan =
      eval::scan_train_sample(model, run.train, eval::kTrainSampleRows, run.options.seed, run.options.threads);
  eval::BaselineCheckOptions options;
  options.split = split.name;
  return eval::check_baseline(model.labels(), run.train, scan, &train_scan, options);
}

// The settings a fastText loop searches, as recorded with the baseline.
json settings_json(const model::FastTextOptions& options) {
  return {{"learning_rate", options.learning_rate}, {"epochs", options.epochs}, {"word_ngrams", options.word_ngrams}};
}

model::FastTextOptions with_settings(model::FastTextOptions options, const json& settings) {
  options.learning_rate = settings.at("learning_rate").get<double>();
  options.epochs = settings.at("epochs").get<int>();
  options.word_ngrams = settings.at("word_ngrams").get<int>();
  return options;
}

// Tunes on dev and writes the chosen model to `file`; returns what the record keeps.
json tuned_baseline(const LoopRun& run, const std::filesystem::path& file, const std::string& reason) {
  model::FastTextTuningOptions tuning_options;
  tuning_options.seconds = run.options.tuning.seconds;
  const model::FastTextTuning tuning = model::tune_fasttext(run.train, run.dev, run.options.model, tuning_options);
  tuning.model->save(file);
  return {{"settings", settings_json(tuning.chosen)},
          {"baseline_settings", reason + tuning.summary()},
          {"tuning", json::parse(tuning.to_json())}};
}

// A fastText baseline: the given settings, checked on dev, tuned when they fall short (or always).
json fasttext_baseline(const LoopRun& run, const std::filesystem::path& file) {
  const BaselineTuning& tuning = run.options.tuning;
  if (tuning.mode == Mode::always) return tuned_baseline(run, file, "");
  run.maker->train({run.train, {}}, file);
  json outputs = {{"settings", settings_json(run.options.model)}, {"baseline_settings", "the given settings"}};
  if (tuning.mode == Mode::off) return outputs;
  const eval::BaselineCheck on_dev = checked_on(run, *run.maker->open(file), run.dev);
  outputs["dev_check"] = json::parse(eval::to_json(on_dev));
  if (!on_dev.falls_short()) {
    outputs["baseline_settings"] = "the given settings (sound on dev, not tuned)";
    return outputs;
  }
  json tuned = tuned_baseline(run, file, "the given settings fell short on dev (" + on_dev.warnings.front() + "); ");
  tuned["dev_check"] = outputs["dev_check"];
  return tuned;
}

// What every kind of baseline records: how it was made, and its check on test.
json made_baseline(LoopRun& run, const std::filesystem::path& file) {
  json outputs;
  if (!run.options.baseline_model.empty()) {
    outputs = {{"given", true}, {"baseline_settings", "the given model file"}};
  } else if (run.external) {
    const std::string command = run.maker->train({run.train, original_train_csv(run)}, file);
    outputs = {{"baseline_settings", "trained by the train command"}};
    if (!command.empty()) outputs["command"] = command;
  } else {
    outputs = fasttext_baseline(run, file);
  }
  outputs["files"] = {{"model", file_entry(file)}};
  outputs["baseline_check"] = json::parse(eval::to_json(checked_on(run, *run.maker->open(file), run.test)));
  return outputs;
}

void adopt_record(LoopRun& run, const json& outputs) {
  if (outputs.contains("settings") && !run.external) {
    run.maker->use_settings(with_settings(run.options.model, outputs.at("settings")));
  }
  if (outputs.contains("baseline_check")) {
    run.result.baseline_check = eval::baseline_check_from_json(outputs.at("baseline_check").dump());
  }
  run.result.baseline_settings = outputs.value("baseline_settings", std::string());
}

// A served model has no train step; its check is recorded on its own (not a step of the loop), so
// that a resumed loop does not query the model again.
void check_served_baseline(LoopRun& run) {
  store::Database& store = run.context.store;
  std::optional<StepRecord> record = find_step(store, run.base_key, "baseline_check");
  if (!record) {
    const json outputs = {
        {"baseline_settings", "the served model"},
        {"baseline_check", json::parse(eval::to_json(checked_on(run, *run.maker->open_served(), run.test)))}};
    record_step(store, run.base_key, "baseline_check", run.context.run_id, outputs, 0);
    record = StepRecord{run.context.run_id, outputs, 0};
  }
  adopt_record(run, record->outputs);
}

}  // namespace

StepOutcome train_baseline(LoopRun& run) {
  if (!run.options.baseline_model.empty() || run.maker->can_train()) {
    const std::filesystem::path file = baseline_file(run);
    const StepRecord record = run_step(run, run.base_key, "train_baseline", [&] { return made_baseline(run, file); });
    adopt_record(run, record.outputs);
  } else {
    check_served_baseline(run);
  }
  return outcome_of(run, "train_baseline");
}

}  // namespace blindspot::loop::detail
