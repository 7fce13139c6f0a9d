// The loop's first step: the baseline model, trained (fastText in process or the user's train
// command) or given (docs/run.md, "The baseline").

#include "loop_state.hpp"

#include "blindspot/augment/augmentation.hpp"
#include "blindspot/data/dataset_reader.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::loop::detail {
namespace {

using nlohmann::json;

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

}  // namespace

StepOutcome train_baseline(LoopRun& run) {
  if (!run.options.baseline_model.empty()) {
    // Given, not trained: recorded so that a changed file is noticed (its hash is in the key too).
    run_step(run, run.base_key, "train_baseline", [&] {
      return json{{"files", {{"model", file_entry(run.options.baseline_model)}}}, {"given", true}};
    });
  } else if (run.maker->can_train()) {
    const std::filesystem::path file = baseline_file(run);
    run_step(run, run.base_key, "train_baseline", [&] {
      const std::string command = run.maker->train({run.train, original_train_csv(run)}, file);
      json outputs = {{"files", {{"model", file_entry(file)}}}};
      if (!command.empty()) outputs["command"] = command;
      return outputs;
    });
  }
  // A served model without a train command has nothing to train: no step.
  return outcome_of(run, "train_baseline");
}

}  // namespace blindspot::loop::detail
