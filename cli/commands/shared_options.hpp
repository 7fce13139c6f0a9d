#pragma once

#include "../context.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/classifier.hpp"
#include "blindspot/model/model_source.hpp"

#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace blindspot::cli {

// Where a command reads labelled data from: a dataset folder plus a split name, or a file.
struct DataSource {
  std::filesystem::path data;  // folder (train/dev/test files) or one file
  std::string split;           // used when `data` is a folder
  data::ReadOptions read;
};

// Adds --data, --split (default `default_split`), --text-column, --label-column, --format.
void add_shared_options(CLI::App& command, DataSource& source, const std::string& default_split);

// --threshold: the minimum confidence of a UU (natural or adversarial), in [0, 1].
void add_threshold_option(CLI::App& command, double& threshold);
// --threads: prediction or attack threads (0 = all cores); results never depend on it.
void add_threads_option(CLI::App& command, int& threads);
// --recipe, --budget, --seed of an adversarial attack.
void add_attack_options(CLI::App& command, std::string& recipe, std::size_t& budget, std::uint64_t& seed);

// The model a command examines: a model file, an adapter command or an inference server
// (model::open_model), and how to talk to the last two.
struct ModelSource {
  std::string spec;
  model::RemoteOptions remote;
};

// Adds --model (required unless `required` is false) and the options of command and server models
// (--model-labels, --model-batch-size, --model-max-in-flight, --model-timeout, ...).
void add_model_option(CLI::App& command, ModelSource& source, bool required = true);

// Opens the model (an adapter's stderr goes to the run's log, <workspace>/logs/run-<id>-model.log)
// and records it as an input artefact of the current run: a file with its hash, a command or server
// with its name and version (never an API key).
std::unique_ptr<model::Classifier> load_model_for_run(Context& context, const ModelSource& source);

// Reads the source's split with the model's labels (an unknown label is an error) and
// records it as an input artefact of the current run.
data::Split read_split_for_run(Context& context, const DataSource& source, const data::LabelSet& labels);

// The same with the model's labels; for a command or server model, data labels the model does not
// know are the model's fault, not the data's: Error{remote} naming the model source and the file.
data::Split read_split_for_run(Context& context, const DataSource& source, const model::Classifier& model);

// Records a file the run wrote.
void record_output(Context& context, const std::string& role, const std::filesystem::path& file);

// The canonical absolute form of a path, as recorded in the run store.
std::string stored_path(const std::filesystem::path& file);

// A split name for display and storage: the split for folders, the file stem for files.
std::string split_name(const DataSource& source);

}  // namespace blindspot::cli
