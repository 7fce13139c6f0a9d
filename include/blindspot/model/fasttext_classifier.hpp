#pragma once

#include "blindspot/model/classifier.hpp"

#include <cstdint>
#include <memory>

namespace blindspot::model {

// Bumped when the same options and data train a different model: 2 = the training rows are shuffled
// by the seed (1: in file order, and seeds 0 and 1 gave the same model). In options_json() and in
// the loop's baseline key, so models and loops of an older version are not reused.
inline constexpr int kFastTextTrainingVersion = 2;

// Supervised fastText hyper-parameters. fastText's own API defaults are the skipgram
// configuration (minCount 5, minn 3, maxn 6, 12 threads, verbose 2), so every field is set
// here explicitly; the defaults were chosen by measurement (docs/classifier.md).
struct FastTextOptions {
  int dimension = 50;
  int epochs = 10;
  double learning_rate = 0.5;
  // 1 = unigrams only; 2 adds bigrams (hashed into `buckets`).
  int word_ngrams = 2;
  // Subword character n-grams: lengths min_char_ngram..max_char_ngram; 0/0 = off.
  int min_char_ngram = 0;
  int max_char_ngram = 0;
  int min_count = 1;
  // Hash buckets for word and character n-grams; the model file grows with buckets x dimension.
  int buckets = 200000;
  // Training threads. 1 (the default) makes training deterministic: the same data and seed
  // give a byte-identical model file. More threads train faster but differ run to run (Hogwild).
  int threads = 1;
  // Shuffles the order of the training rows (a seeded permutation) and seeds fastText's
  // initialisation: with threads 1, one seed gives one model and different seeds different ones.
  int seed = 0;
  // Product-quantise the model after training (much smaller file, slightly lower accuracy).
  bool quantize = false;
  // With `quantize`: keep only this many rows (words and n-gram buckets with the largest
  // norms) of the input matrix; 0 keeps them all. Quantisation time grows with it (imdb:
  // about 6 s at 20k rows, 30 s at 100k, similar accuracy; docs/classifier.md).
  int quantize_cutoff = 20000;
};

class FastTextClassifier final : public Classifier {
 public:
  explicit FastTextClassifier(FastTextOptions options = {});
  ~FastTextClassifier() override;

  std::string kind() const override { return "fasttext"; }
  std::string options_json() const override;
  const FastTextOptions& options() const noexcept { return options_; }
  // Describes the model to the LLM teacher as "a bag-of-words and word-bigram classifier (fastText)".
  ModelIdentity identity() const override;

  void train(const data::Split& train, const core::ProgressCallback& progress) override;
  const data::LabelSet& labels() const override;
  Probabilities probabilities(std::string_view text) const override;
  std::vector<Probabilities> predict_batch(const std::vector<std::string>& texts, int threads) const override;
  std::vector<float> sentence_vector(std::string_view text) const override;
  void save(const std::filesystem::path& file) const override;
  void load(const std::filesystem::path& file) override;

 private:
  struct Impl;
  FastTextOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blindspot::model
