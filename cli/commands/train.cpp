#include "commands.hpp"
#include "shared_options.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/sha256.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/store/runs.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <sstream>

namespace blindspot::cli {
namespace {

struct TrainSettings {
  DataSource source;
  std::filesystem::path model_file;
  std::vector<std::string> labels;
  model::FastTextOptions fasttext;
};

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
  model::FastTextClassifier classifier(settings.fasttext);
  classifier.train(split, context.progress());
  classifier.save(settings.model_file);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  context.end_progress();

  const std::string model_hash = core::sha256_file(settings.model_file);
  store::record_artifact(context.store(), {context.run_id(), "model", "output",
                                           stored_path(settings.model_file), model_hash,
                                           classifier.options_json()});
  if (context.json) {
    const nlohmann::ordered_json out = {{"run", context.run_id()},
                                        {"model", settings.model_file.string()},
                                        {"model_sha256", model_hash},
                                        {"train_file", file.string()},
                                        {"examples", split.examples.size()},
                                        {"labels", split.labels.names()},
                                        {"seconds", seconds},
                                        {"options", nlohmann::json::parse(classifier.options_json())}};
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
  command->add_option("--seed", ft.seed, "Random seed")->capture_default_str();
  command->add_flag("--quantize", ft.quantize, "Quantise the model (much smaller file)");
  command->add_option("--quantize-cutoff", ft.quantize_cutoff, "With --quantize: input-matrix rows kept (0 = all)")
      ->check(CLI::Range(0, 100000000))
      ->capture_default_str();
  context.define(command, [&context, settings] { run_train(context, *settings); });
}

}  // namespace blindspot::cli
