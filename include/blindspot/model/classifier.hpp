#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/data/label_set.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::model {

// A probability for every label of the classifier, in the order of labels().
using Probabilities = std::vector<double>;

// What every classifier offers the rest of blindspot. Prediction methods are const and
// safe to call from several threads at once; train() and load() must not overlap them.
class Classifier {
 public:
  virtual ~Classifier() = default;

  // "fasttext", ...
  virtual std::string kind() const = 0;
  // Hyper-parameters as a JSON object (recorded in the run store and shown by `show`).
  virtual std::string options_json() const = 0;

  // Trains from scratch on `train`. The classifier's labels become `train.labels`.
  // Throws Error{bad_input} if fewer than 2 labels occur in `train`.
  virtual void train(const data::Split& train, const core::ProgressCallback& progress) = 0;

  virtual const data::LabelSet& labels() const = 0;
  virtual Probabilities probabilities(std::string_view text) const = 0;
  // Probabilities of many texts, in order, on up to `threads` threads (0 = all cores).
  virtual std::vector<Probabilities> predict_batch(const std::vector<std::string>& texts, int threads) const;

  // A fixed-size vector representing the text (for clustering). Not thread-safe.
  virtual std::vector<float> sentence_vector(std::string_view text) const = 0;

  // Writes the model atomically; throws Error{io}.
  virtual void save(const std::filesystem::path& file) const = 0;
  // Throws Error{bad_input} for a file that is not a model of this kind.
  virtual void load(const std::filesystem::path& file) = 0;
};

// Index of the largest probability (the first one on ties).
int argmax(const Probabilities& probabilities);

// Loads a model file written by any Classifier::save (the kind is detected from the file).
std::unique_ptr<Classifier> load_classifier(const std::filesystem::path& file);

}  // namespace blindspot::model
