#include "commands.hpp"
#include "number_options.hpp"
#include "shared_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/model/fasttext_tuning.hpp"
#include "blindspot/store/runs.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>

namespace blindspot::cli {
namespace {

struct TrainSettings {
  DataSource source;
  std::filesystem::path model_file;
  std::vector<std::string> labels;
  model::FastTextOptions fasttext;
  bool tune = false;          // search the settings on dev (docs/baseline.md)
  std::filesystem::path dev;  // the tuning's dev file; default: the folder's dev split
  model::FastTextTuningOptions tuning;
};

// The split tuning is scored on: --dev, or the dataset folder's dev split, with train's labels.
data::Split tuning_dev_split(Context& context, const TrainSettings& settings, const data::Split& train) {
  if (settings.dev.empty() && !std::filesystem::is_directory(settings.source.data)) {
    throw core::Error(core::ErrorKind::usage,
                      "--tune needs dev data: give a dataset folder with a dev split as --data, or --dev FILE");
  }
  DataSource dev_source = settings.source;
  dev_source.split = "dev";
  if (!settings.dev.empty()) dev_source.data = settings.dev;
  data::Split dev = read_split_for_run(context, dev_source, train.labels);
  dev.name = "dev";
  return dev;
}

// The classifier with the given settings, or the best of the search on dev; `tuning_json` then
// describes the search.
std::unique_ptr<model::FastTextClassifier> trained_classifier(Context& context, const TrainSettings& settings,
                                                              const data::Split& split, std::string& tuning_json) {
  if (!settings.tune) {
    auto classifier = std::make_unique<model::FastTextClassifier>(settings.fasttext);
    classifier->train(split, context.progress());
    return classifier;
  }
  const data::Split dev = tuning_dev_split(context, settings, split);
  model::FastTextTuning tuning =
      model::tune_fasttext(split, dev, settings.fasttext, settings.tuning, context.progress());
  context.end_progress();
  tuning_json = tuning.to_json();
  if (!context.json) std::cout << tuning.summary() << '\n';
  return std::move(tuning.model);
}

std::filesystem::path default_model_file(const Context& context, const DataSource& source) {
  auto path = std::filesystem::absolute(source.data).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();  // "imdb/" names the folder "imdb"
  const auto name = std::filesystem::is_directory(path) ? path.filename() : path.stem();
  return context.workspace / "models" / (name.string() + ".bin");
}

void run_train(Context& context, TrainSettings& settings) {
  if (settings.model_file.empty()) settings.model_file = default_model_file(context, settings.source);
  const auto file = data::resolve_split_file(settings.source.data, settings.source.split);
  std::optional<data::LabelSet> labels;
  if (!settings.labels.empty()) labels = data::LabelSet(settings.labels);
  const data::Split split = data::read_training_split(file, labels, settings.source.read);
  store::record_artifact(context.store(),
                         {context.run_id(), "dataset", "train", stored_path(file),
                          split.content_hash,
                          nlohmann::json{{"rows", split.examples.size()}, {"labels", split.labels.names()}}.dump()});

  const auto started = std::chrono::steady_clock::now();
  std::string tuning_json;
  const auto trained = trained_classifier(context, settings, split, tuning_json);
  const model::FastTextClassifier& classifier = *trained;
  classifier.save(settings.model_file);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  context.end_progress();

  const std::string model_hash = core::sha256_file(settings.model_file);
  // The options the model was trained with (the chosen ones after tuning), and how they were chosen.
  nlohmann::json options = nlohmann::json::parse(classifier.options_json());
  if (!tuning_json.empty()) options["tuning"] = nlohmann::json::parse(tuning_json);
  store::record_artifact(context.store(), {context.run_id(), "model", "output", stored_path(settings.model_file),
                                           model_hash, options.dump()});
  if (context.json) {
    const nlohmann::ordered_json out = {{"run", context.run_id()},
                                        {"model", settings.model_file.string()},
                                        {"model_sha256", model_hash},
                                        {"train_file", file.string()},
                                        {"examples", split.examples.size()},
                                        {"labels", split.labels.names()},
                                        {"seconds", seconds},
                                        {"options", options}};
    std::cout << out.dump(2) << '\n';
  } else {
    std::cout << fmt::format("trained fasttext on {} ({} examples, labels: {}) in {:.1f} s\nmodel: {}\nrun: {}\n",
                             file.string(), split.examples.size(), split.labels.joined(), seconds,
                             settings.model_file.string(), context.run_id());
  }
}

}  // namespace

void add_train_command(CLI::App& app, Context& context) {
  auto settings = std::make_shared<TrainSettings>();
  CLI::App* command = app.add_subcommand("train", "Train a fastText classifier on a labelled split");
  add_shared_options(*command, settings->source, "train");
  command->add_option("--model,-o", settings->model_file,
                      "Where to write the model (default: WORKSPACE/models/<dataset>.bin)");
  command->add_option("--labels", settings->labels,
                      "The allowed labels, comma-separated (default: those in the data); others are errors")
      ->delimiter(',');
  auto& ft = settings->fasttext;
  command->add_option("--dim", ft.dimension, "Vector dimension")->check(CLI::Range(1, 1000))->capture_default_str();
  command->add_option("--epochs", ft.epochs, "Training epochs")->check(CLI::Range(1, 1000))->capture_default_str();
  command->add_option("--lr", ft.learning_rate, "Learning rate")->check(CLI::Range(0.0001, 10.0))->capture_default_str();
  command->add_option("--word-ngrams", ft.word_ngrams, "Longest word n-gram (1 = unigrams only)")
      ->check(CLI::Range(1, 5))
      ->capture_default_str();
  command->add_option("--minn", ft.min_char_ngram, "Shortest subword character n-gram (0 = no subwords)")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command->add_option("--maxn", ft.max_char_ngram, "Longest subword character n-gram (0 = no subwords)")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command->add_option("--min-count", ft.min_count, "Minimum word frequency")->check(CLI::Range(1, 1000000))->capture_default_str();
  command->add_option("--buckets", ft.buckets, "Hash buckets for n-grams")->check(CLI::Range(1, 100000000))->capture_default_str();
  command->add_option("--threads", ft.threads, "Training threads (1 = deterministic, byte-identical models)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  add_seed_option(*command, ft.seed, "Random seed");
  command->add_flag("--tune", settings->tune,
                    "Choose the learning rate, epochs and word n-grams on dev: a fixed grid scored on dev macro-F1, "
                    "the given settings kept unless a setting does better (docs/baseline.md)");
  command->add_option("--dev", settings->dev, "With --tune: the dev file (default: the dataset folder's dev split)");
  command->add_option("--tuning-seconds", settings->tuning.seconds, "With --tune: no setting is started after this")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  command->add_flag("--quantize", ft.quantize, "Quantise the model (much smaller file)");
  command->add_option("--quantize-cutoff", ft.quantize_cutoff, "With --quantize: input-matrix rows kept (0 = all)")
      ->check(CLI::Range(0, 100000000))
      ->capture_default_str();
  context.define(command, [&context, settings] { run_train(context, *settings); });
}

}  // namespace blindspot::cli
