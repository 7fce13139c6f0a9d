// Measures the fastText hyper-parameters behind FastTextOptions' defaults (docs/classifier.md).
// Not a test: it trains dozens of models and prints Markdown tables.
//
//   blindspot_measure_defaults [DATA_DIR] [--grid ngrams|size|seeds|all|none] [--quantize] [--throughput]
//
// Every model trains on a dataset's train split and is scored on its dev split, never on test.

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

using namespace blindspot;

namespace {

// The confidence above which a misclassification counts as a UU (the brief's default tau).
constexpr double kConfident = 0.65;

struct Dataset {
  std::string name;
  data::Split train;
  data::Split dev;
  data::Split dev_typos;  // dev with DeepWordBug-style character edits
};

struct Score {
  double accuracy = 0.0;
  int confident_errors = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One character edit (swap, substitute, delete, insert: DeepWordBug's four) in about a quarter
// of the words of 4+ letters. A fixed seed, and only the raw mt19937 output (whose sequence the
// standard fixes), so every run perturbs the same way.
std::string add_typos(const std::string& text, std::mt19937& random) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = pos;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
    if (end == pos) {
      out.push_back(text[pos++]);
      continue;
    }
    std::string word = text.substr(pos, end - pos);
    pos = end;
    if (word.size() >= 4 && random() % 4 == 0) {
      const std::size_t at = 1 + random() % (word.size() - 2);  // keep the first letter, like most typos
      const char letter = static_cast<char>('a' + random() % 26);
      switch (random() % 4) {
        case 0: std::swap(word[at], word[at + 1]); break;
        case 1: word[at] = letter; break;
        case 2: word.erase(at, 1); break;
        default: word.insert(at, 1, letter); break;
      }
    }
    out += word;
  }
  return out;
}

Dataset read_dataset(const std::filesystem::path& root, const std::string& name) {
  Dataset dataset;
  dataset.name = name;
  dataset.train = data::read_training_split(data::find_split_file(root / name, "train"), std::nullopt);
  dataset.dev = data::read_split(data::find_split_file(root / name, "dev"), dataset.train.labels);
  dataset.dev_typos = dataset.dev;
  std::mt19937 random(20240326);
  for (auto& example : dataset.dev_typos.examples) example.text = add_typos(example.text, random);
  return dataset;
}

Score score(const model::Classifier& classifier, const data::Split& split) {
  std::vector<std::string> texts;
  for (const auto& example : split.examples) texts.push_back(example.text);
  const auto predictions = classifier.predict_batch(texts, 0);
  Score result;
  int correct = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const int predicted = model::argmax(predictions[i]);
    if (predicted == split.examples[i].label) {
      ++correct;
    } else if (predictions[i][static_cast<std::size_t>(predicted)] >= kConfident) {
      ++result.confident_errors;
    }
  }
  result.accuracy = static_cast<double>(correct) / static_cast<double>(texts.size());
  return result;
}

std::string describe(const model::FastTextOptions& options) {
  const std::string chars = options.max_char_ngram == 0 ? "off"
                                                        : std::to_string(options.min_char_ngram) + "-" +
                                                              std::to_string(options.max_char_ngram);
  return std::to_string(options.word_ngrams) + " | " + chars + " | " + std::to_string(options.dimension) + " | " +
         std::to_string(options.epochs);
}

void run_grid(const std::vector<Dataset>& datasets, const std::vector<model::FastTextOptions>& grid) {
  std::printf("| data | word n-grams | char n-grams | dim | epochs | dev acc | confident errors (>= %.2f) | "
              "dev+typos acc | train s | model MiB |\n|---|---|---|---|---|---|---|---|---|---|\n",
              kConfident);
  const auto model_file = std::filesystem::temp_directory_path() / "blindspot-measure-defaults.bin";
  for (const auto& dataset : datasets) {
    for (const auto& options : grid) {
      std::cerr << dataset.name << ": " << describe(options) << "\n";
      model::FastTextClassifier classifier(options);
      const auto start = std::chrono::steady_clock::now();
      classifier.train(dataset.train, {});
      const double train_seconds = seconds_since(start);
      classifier.save(model_file);
      const double mib = static_cast<double>(std::filesystem::file_size(model_file)) / (1024.0 * 1024.0);
      const Score dev = score(classifier, dataset.dev);
      const Score typos = score(classifier, dataset.dev_typos);
      std::printf("| %s | %s | %.4f | %d | %.4f | %.1f | %.1f |\n", dataset.name.c_str(), describe(options).c_str(),
                  dev.accuracy, dev.confident_errors, typos.accuracy, train_seconds, mib);
      std::fflush(stdout);
    }
  }
  std::filesystem::remove(model_file);
}

std::vector<model::FastTextOptions> ngram_grid() {
  std::vector<model::FastTextOptions> grid;
  for (int word_ngrams : {1, 2}) {
    for (bool subwords : {false, true}) {
      model::FastTextOptions options;
      options.word_ngrams = word_ngrams;
      options.min_char_ngram = subwords ? 3 : 0;
      options.max_char_ngram = subwords ? 6 : 0;
      grid.push_back(options);
    }
  }
  return grid;
}

std::vector<model::FastTextOptions> size_grid() {
  std::vector<model::FastTextOptions> grid;
  for (int dimension : {50, 100}) {
    for (int epochs : {5, 10}) {
      model::FastTextOptions options;
      options.dimension = dimension;
      options.epochs = epochs;
      grid.push_back(options);
    }
  }
  return grid;
}

// Word n-grams alone against word plus character n-grams over several seeds, on the small
// datasets whose dev splits are too small for one run to separate them.
void run_seeds(const std::vector<Dataset>& datasets) {
  constexpr int kSeeds = 5;
  std::printf("| data | word n-grams | char n-grams | dim | epochs | dev acc (mean ± sd of %d seeds) | "
              "confident errors (mean) | dev+typos acc (mean ± sd) |\n|---|---|---|---|---|---|---|---|\n",
              kSeeds);
  for (const auto& dataset : datasets) {
    if (dataset.name == "imdb") continue;  // 2,000 dev reviews separate the options in one run
    for (bool subwords : {false, true}) {
      model::FastTextOptions options;
      options.min_char_ngram = subwords ? 3 : 0;
      options.max_char_ngram = subwords ? 6 : 0;
      std::vector<Score> clean;
      std::vector<Score> typos;
      for (int seed = 0; seed < kSeeds; ++seed) {
        std::cerr << dataset.name << ": " << describe(options) << ", seed " << seed << "\n";
        options.seed = seed;
        model::FastTextClassifier classifier(options);
        classifier.train(dataset.train, {});
        clean.push_back(score(classifier, dataset.dev));
        typos.push_back(score(classifier, dataset.dev_typos));
      }
      const auto mean_sd = [](const std::vector<Score>& scores) {
        double sum = 0.0;
        double squares = 0.0;
        for (const Score& one : scores) sum += one.accuracy;
        const double mean = sum / static_cast<double>(scores.size());
        for (const Score& one : scores) squares += (one.accuracy - mean) * (one.accuracy - mean);
        return std::pair{mean, std::sqrt(squares / static_cast<double>(scores.size() - 1))};
      };
      double errors = 0.0;
      for (const Score& one : clean) errors += one.confident_errors;
      const auto [clean_mean, clean_sd] = mean_sd(clean);
      const auto [typo_mean, typo_sd] = mean_sd(typos);
      std::printf("| %s | %s | %.4f ± %.4f | %.1f | %.4f ± %.4f |\n", dataset.name.c_str(), describe(options).c_str(),
                  clean_mean, clean_sd, errors / kSeeds, typo_mean, typo_sd);
      std::fflush(stdout);
    }
  }
}

// Quantisation of the default model: file size, accuracy and time by cutoff (0 = plain).
void run_quantize(const Dataset& dataset) {
  const auto model_file = std::filesystem::temp_directory_path() / "blindspot-measure-quantize.bin";
  for (int cutoff : {0, 10000, 20000, 50000, 100000}) {
    std::cerr << dataset.name << ": quantize_cutoff " << cutoff << "\n";
    model::FastTextOptions options;
    options.quantize = cutoff > 0;
    options.quantize_cutoff = cutoff;
    model::FastTextClassifier classifier(options);
    const auto start = std::chrono::steady_clock::now();
    classifier.train(dataset.train, {});
    const double seconds = seconds_since(start);
    classifier.save(model_file);
    std::printf("| %s | %s | %.2f | %.4f | %.1f |\n", dataset.name.c_str(),
                cutoff == 0 ? "plain" : std::to_string(cutoff).c_str(),
                static_cast<double>(std::filesystem::file_size(model_file)) / (1024.0 * 1024.0),
                score(classifier, dataset.dev).accuracy, seconds);
    std::fflush(stdout);
  }
  std::filesystem::remove(model_file);
}

// Default options on imdb: training time by thread count, prediction rate by batch threads,
// and the cost of normalising the training texts.
void run_throughput(const Dataset& imdb) {
  const auto start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  for (const auto& example : imdb.train.examples) bytes += model::normalise_text(example.text).size();
  std::printf("normalise_text over imdb train (%zu texts, %zu bytes out): %.3f s\n\n", imdb.train.examples.size(),
              bytes, seconds_since(start));

  std::vector<std::string> texts;
  for (const auto& example : imdb.dev.examples) texts.push_back(example.text);
  std::printf("| training threads | train s | batch threads | predictions/s (imdb dev) |\n|---|---|---|---|\n");
  for (int threads : {1, 2}) {
    model::FastTextOptions options;
    options.threads = threads;
    model::FastTextClassifier classifier(options);
    const auto train_start = std::chrono::steady_clock::now();
    classifier.train(imdb.train, {});
    const double train_seconds = seconds_since(train_start);
    const auto predict_start = std::chrono::steady_clock::now();
    classifier.predict_batch(texts, threads);
    std::printf("| %d | %.1f | %d | %.0f |\n", threads, train_seconds, threads,
                static_cast<double>(texts.size()) / seconds_since(predict_start));
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path root = "../shared/data";
  std::string grid = "all";
  bool quantize = false;
  bool throughput = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--grid") == 0 && i + 1 < argc) {
      grid = argv[++i];
    } else if (std::strcmp(argv[i], "--quantize") == 0) {
      quantize = true;
    } else if (std::strcmp(argv[i], "--throughput") == 0) {
      throughput = true;
    } else {
      root = argv[i];
    }
  }
  try {
    std::vector<Dataset> datasets;
    for (const char* name : {"imdb", "sst2", "ag-news"}) datasets.push_back(read_dataset(root, name));
    if (grid == "ngrams" || grid == "all") run_grid(datasets, ngram_grid());
    if (grid == "size" || grid == "all") run_grid(datasets, size_grid());
    if (grid == "seeds" || grid == "all") run_seeds(datasets);
    if (quantize) {
      std::printf("| data | quantize_cutoff | model MiB | dev acc | train + quantise s |\n|---|---|---|---|---|\n");
      for (const auto& dataset : datasets) run_quantize(dataset);
    }
    if (throughput) run_throughput(datasets.front());
  } catch (const std::exception& error) {
    std::cerr << "blindspot_measure_defaults: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
