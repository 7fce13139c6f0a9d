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

// Where a model comes from and what it calls itself: recorded in the run store (never with an
// API key) and shown to the teachers.
struct ModelIdentity {
  std::string source;       // the model file's path, "cmd:..." or the server's model URL
  std::string name;         // from the adapter's handshake or the server's metadata
  std::string version;      // idem; may be empty
  std::string description;  // e.g. "a fine-tuned transformer classifier", for the LLM prompts
};

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

  // A fixed-size vector representing the text (for clustering). Not thread-safe. The default
  // is a model-independent hashed bag of words and bigrams (hashed_text_vector), for models
  // that cannot give their own representation.
  virtual std::vector<float> sentence_vector(std::string_view text) const;

  // Where the model comes from; the default names only its kind.
  virtual ModelIdentity identity() const;
  // How many threads calling predict_batch at once keep the model busy (a remote model needs
  // enough callers to fill its batches and requests in flight); 0: as many as the caller has.
  virtual int preferred_callers() const { return 0; }
  // Whether train() works (models served by another process are trained by their owner).
  virtual bool trainable() const { return true; }

  // Writes the model atomically; throws Error{io}.
  virtual void save(const std::filesystem::path& file) const = 0;
  // Throws Error{bad_input} for a file that is not a model of this kind.
  virtual void load(const std::filesystem::path& file) = 0;
};

// Dimensions of hashed_text_vector.
inline constexpr std::size_t kHashedVectorDimensions = 256;
// A unit-length vector of the text's lower-cased words and word bigrams hashed into
// kHashedVectorDimensions buckets (log-scaled counts): similar wordings land close together
// whatever model is being examined.
std::vector<float> hashed_text_vector(std::string_view text);

// Index of the largest probability (the first one on ties).
int argmax(const Probabilities& probabilities);

// Loads a model file written by any Classifier::save (the kind is detected from the file).
std::unique_ptr<Classifier> load_classifier(const std::filesystem::path& file);

}  // namespace blindspot::model
