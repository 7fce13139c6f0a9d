#include "blindspot/model/fasttext_tuning.hpp"

#include "blindspot/core/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

namespace blindspot::model {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

bool same_search_point(const FastTextOptions& a, const FastTextOptions& b) {
  return a.learning_rate == b.learning_rate && a.epochs == b.epochs && a.word_ngrams == b.word_ngrams;
}

// A candidate trained and scored; nullopt when fastText cannot train with it (a NaN loss at a high
// learning rate): the search goes on without it. The given settings (`required`) must train: their
// error is the user's to see.
std::optional<TuningCandidate> try_candidate(const data::Split& train, const data::Split& dev,
                                             const FastTextOptions& options, bool required,
                                             std::unique_ptr<FastTextClassifier>& trained) {
  const auto started = Clock::now();
  auto model = std::make_unique<FastTextClassifier>(options);
  try {
    model->train(train, {});
  } catch (const core::Error& error) {
    if (required || error.kind() != core::ErrorKind::bad_input) throw;
    return std::nullopt;
  }
  TuningCandidate candidate{options, dev_macro_f1(*model, dev), 0};
  candidate.seconds = seconds_since(started);
  trained = std::move(model);
  return candidate;
}

void check_dev(const data::Split& train, const data::Split& dev) {
  if (dev.examples.empty())
    throw core::Error(core::ErrorKind::bad_input, "tuning needs dev rows; the dev split has none");
  if (!(dev.labels == train.labels)) {
    throw core::Error(core::ErrorKind::bad_input,
                      "dev's labels (" + dev.labels.joined() + ") are not train's (" + train.labels.joined() + ")");
  }
}

nlohmann::json search_point_json(const FastTextOptions& options) {
  return {{"learning_rate", options.learning_rate}, {"epochs", options.epochs}, {"word_ngrams", options.word_ngrams}};
}

}  // namespace

std::vector<FastTextOptions> tuning_grid(const FastTextOptions& given) {
  std::vector<FastTextOptions> grid;
  for (const int epochs : {5, 10, 25, 50}) {
    for (const double learning_rate : {0.1, 0.5, 1.0}) {
      for (const int word_ngrams : {1, 2}) {
        FastTextOptions candidate = given;
        candidate.epochs = epochs;
        candidate.learning_rate = learning_rate;
        candidate.word_ngrams = word_ngrams;
        if (!same_search_point(candidate, given)) grid.push_back(candidate);
      }
    }
  }
  return grid;
}

double dev_macro_f1(const Classifier& model, const data::Split& dev) {
  const std::size_t labels = model.labels().size();
  std::vector<std::int64_t> true_positive(labels, 0);
  std::vector<std::int64_t> predicted(labels, 0);
  std::vector<std::int64_t> actual(labels, 0);
  std::vector<std::string> texts;
  texts.reserve(dev.examples.size());
  for (const auto& example : dev.examples) texts.push_back(example.text);
  const std::vector<Probabilities> scores = model.predict_batch(texts, 0);
  for (std::size_t row = 0; row < scores.size(); ++row) {
    const auto& p = scores[row];
    // The first label on a tie, as discover::scan decides.
    const auto guess = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
    const auto truth = static_cast<std::size_t>(dev.examples[row].label);
    ++predicted[guess];
    ++actual.at(truth);
    if (guess == truth) ++true_positive[guess];
  }
  double f1_sum = 0;
  for (std::size_t label = 0; label < labels; ++label) {
    const double denominator = static_cast<double>(predicted[label] + actual[label]);
    if (denominator > 0) f1_sum += 2.0 * static_cast<double>(true_positive[label]) / denominator;
  }
  return labels == 0 ? 0.0 : f1_sum / static_cast<double>(labels);
}

FastTextTuning tune_fasttext(const data::Split& train, const data::Split& dev, const FastTextOptions& given,
                             const FastTextTuningOptions& options, const core::ProgressCallback& progress) {
  check_dev(train, dev);
  const auto started = Clock::now();
  FastTextTuning tuning;
  tuning.given = given;
  std::vector<FastTextOptions> candidates = {given};
  const std::vector<FastTextOptions> grid = tuning_grid(given);
  candidates.insert(candidates.end(), grid.begin(), grid.end());
  tuning.grid_size = candidates.size();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0 && seconds_since(started) >= options.seconds) {
      tuning.stopped_by_budget = true;
      break;
    }
    if (progress) progress("tuning", static_cast<double>(i) / static_cast<double>(candidates.size()));
    std::unique_ptr<FastTextClassifier> model;
    const std::optional<TuningCandidate> candidate = try_candidate(train, dev, candidates[i], i == 0, model);
    if (!candidate) continue;
    tuning.tried.push_back(*candidate);
    if (i == 0) tuning.given_macro_f1 = candidate->dev_macro_f1;
    if (i == 0 || candidate->dev_macro_f1 > tuning.chosen_macro_f1) {
      tuning.chosen = candidate->options;
      tuning.chosen_macro_f1 = candidate->dev_macro_f1;
      tuning.model = std::move(model);
    }
  }
  if (progress) progress("tuning", 1.0);
  tuning.seconds = seconds_since(started);
  return tuning;
}

std::string FastTextTuning::summary() const {
  const std::string tried_text = fmt::format("{} of {} settings tried in {:.1f} s{}", tried.size(), grid_size, seconds,
                                             stopped_by_budget ? ", stopped by the time budget" : "");
  if (!changed()) {
    return fmt::format("default settings kept after tuning on dev (dev macro-F1 {:.4f}, no setting did better; {})",
                       given_macro_f1, tried_text);
  }
  return fmt::format(
      "tuned on dev: lr {}, {} epochs, word n-grams {} (dev macro-F1 {:.4f}; the given settings {:.4f}; {})",
      chosen.learning_rate, chosen.epochs, chosen.word_ngrams, chosen_macro_f1, given_macro_f1, tried_text);
}

std::string FastTextTuning::to_json() const {
  const nlohmann::json json = {{"method", "grid on dev macro-F1"},
                               {"given", search_point_json(given)},
                               {"chosen", search_point_json(chosen)},
                               {"given_dev_macro_f1", given_macro_f1},
                               {"dev_macro_f1", chosen_macro_f1},
                               {"tried", tried.size()},
                               {"grid", grid_size},
                               {"stopped_by_budget", stopped_by_budget},
                               {"seconds", seconds}};
  return json.dump();
}

}  // namespace blindspot::model
