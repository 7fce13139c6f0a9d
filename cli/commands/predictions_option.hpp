#pragma once

// --predictions FILE of scan and eval: a model known only by its probabilities for one split
// (docs/data-formats.md, "Predictions files"). Header-only: two commands share these few lines.

#include "shared_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/model/predictions.hpp"
#include "blindspot/store/runs.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>

namespace blindspot::cli {

// Adds --predictions; --model becomes optional (exactly one of them is checked when the command runs).
inline void add_predictions_option(CLI::App& command, std::filesystem::path& predictions) {
  command
      .add_option("--predictions", predictions,
                  "Instead of --model: a CSV/TSV/JSONL file of the model's probabilities for every row of the "
                  "split (columns id or text, and one per label; docs/data-formats.md)")
      ->check(CLI::ExistingFile);
}

// The model of the command: the predictions file for the split of `data` when one is given (recorded as
// an input artefact with its hash), else load_model_for_run. Throws Error{usage} unless exactly one of
// --model and --predictions is given.
inline std::unique_ptr<model::Classifier> load_model_or_predictions(Context& context, const ModelSource& source,
                                                                    const DataSource& data,
                                                                    const std::filesystem::path& predictions) {
  if (source.spec.empty() == predictions.empty()) {
    throw core::Error(core::ErrorKind::usage, predictions.empty() ? "give the model: --model M, or --predictions FILE"
                                                                  : "give either --model or --predictions, not both");
  }
  if (predictions.empty()) return load_model_for_run(context, source);
  model::PredictionsOptions options;
  options.labels = source.remote.labels;
  auto model = model::make_predictions_classifier(
      model::read_predictions(predictions, data::resolve_split_file(data.data, data.split), options, data.read));
  store::record_artifact(context.store(), {context.run_id(), "model", "input", stored_path(predictions),
                                           core::sha256_file(predictions), model->options_json()});
  return model;
}

}  // namespace blindspot::cli
