#include "shared_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/discover/attack/recipe.hpp"
#include "blindspot/store/runs.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::cli {

void add_shared_options(CLI::App& command, DataSource& source, const std::string& default_split) {
  source.split = default_split;
  command.add_option("--data", source.data, "Dataset folder (train/dev/test files) or one labelled file")
      ->required();
  command.add_option("--split", source.split, "Split to read when --data is a folder")->capture_default_str();
  command.add_option("--text-column", source.read.text_column, "Column (or JSONL key) holding the text")
      ->capture_default_str();
  command.add_option("--label-column", source.read.label_column, "Column (or JSONL key) holding the label")
      ->capture_default_str();
  command
      .add_option_function<std::string>(
          "--format",
          [&source](const std::string& format) {
            if (format == "csv") source.read.format = data::FileFormat::csv;
            if (format == "tsv") source.read.format = data::FileFormat::tsv;
            if (format == "jsonl") source.read.format = data::FileFormat::jsonl;
          },
          "File format (default: by extension)")
      ->check(CLI::IsMember({"csv", "tsv", "jsonl"}));
}

void add_threshold_option(CLI::App& command, double& threshold) {
  command.add_option("--threshold", threshold, "Minimum confidence of a UU (a wrong prediction at least this sure)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
}

void add_threads_option(CLI::App& command, int& threads) {
  command.add_option("--threads", threads, "Worker threads (0 = all cores); results do not depend on it")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
}

void add_attack_options(CLI::App& command, std::string& recipe, std::size_t& budget, std::uint64_t& seed) {
  command.add_option("--recipe", recipe, "Attack recipe")
      ->check(CLI::IsMember(discover::recipe_names()))
      ->capture_default_str();
  command.add_option("--budget", budget, "Maximum total Levenshtein distance of the edits of one attack")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->capture_default_str();
  command.add_option("--seed", seed, "Seed of the sample of rows and of every random edit")->capture_default_str();
}

void add_model_option(CLI::App& command, std::filesystem::path& model_file) {
  command.add_option("--model,-m", model_file, "Model file written by `blindspot train`")->required();
}

std::string stored_path(const std::filesystem::path& file) { return std::filesystem::weakly_canonical(file).string(); }

std::string split_name(const DataSource& source) {
  return std::filesystem::is_directory(source.data) ? source.split : source.data.stem().string();
}

std::unique_ptr<model::Classifier> load_model_for_run(Context& context, const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    throw core::Error(core::ErrorKind::bad_input, "model file does not exist", core::InputLocation{file, 0, ""});
  }
  auto model = model::load_classifier(file);
  store::record_artifact(context.store(), {context.run_id(), "model", "input", stored_path(file),
                                           core::sha256_file(file), model->options_json()});
  return model;
}

data::Split read_split_for_run(Context& context, const DataSource& source, const data::LabelSet& labels) {
  const auto file = data::resolve_split_file(source.data, source.split);
  data::Split split = data::read_split(file, labels, source.read);
  split.name = split_name(source);
  const nlohmann::json details = {{"rows", split.examples.size()}, {"labels", labels.names()}};
  store::record_artifact(context.store(), {context.run_id(), "dataset", split.name,
                                           stored_path(file), split.content_hash, details.dump()});
  return split;
}

void record_output(Context& context, const std::string& role, const std::filesystem::path& file) {
  store::record_artifact(context.store(), {context.run_id(), "output", role, stored_path(file),
                                           core::sha256_file(file), "{}"});
}

}  // namespace blindspot::cli
