#pragma once

// Private to src/model: the parts of fastText's API that need care (see
// ../shared/notes/ecosystem.md section 2), wrapped so fasttext_classifier.cpp reads plainly.

#include "blindspot/data/example.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include <fasttext/fasttext.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace blindspot::model::detail {

// Every fastText label carries this prefix in the training file and the model's dictionary.
inline constexpr const char* kLabelPrefix = "__label__";

// fastText's Args() is the skipgram configuration; this sets every supervised field explicitly.
fasttext::Args supervised_args(const FastTextOptions& options, const std::filesystem::path& input);

// Product-quantisation settings for FastText::quantize (no retraining, normalised vectors).
fasttext::Args quantize_args(const FastTextOptions& options);

// The normalised training data as a fastText input file, removed when the object dies.
// fastText trains from a seekable file only: each thread reopens it at its own offset.
// The rows are written in a permutation drawn from `seed` (training_order()): fastText's own seed
// only reaches its initialisation, and its generator (std::minstd_rand) treats 0 like 1, so
// without the shuffle seeds 0 and 1 trained byte-identical models.
class TrainingFile {
 public:
  // Throws Error{io} if the file cannot be written.
  TrainingFile(const data::Split& train, std::uint64_t seed);
  ~TrainingFile();
  TrainingFile(const TrainingFile&) = delete;
  TrainingFile& operator=(const TrainingFile&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// The order in which fastText reads the rows of a split of `rows` rows under `seed`: a
// Fisher-Yates shuffle with core::Rng, the same on every platform.
std::vector<std::size_t> training_order(std::size_t rows, std::uint64_t seed);

// fastText keeps its model checks and matrices protected; this subclass adds a load that
// validates the file before fastText trusts it, and a save that verifies what fastText wrote.
class FastTextModel final : public fasttext::FastText {
 public:
  // Throws Error{io} if the file cannot be opened, Error{bad_input} naming it if it is not
  // a complete supervised fastText model with at least 2 labels (check_fasttext_file first:
  // fastText itself aborts or crashes on a crafted header).
  void load_checked(const std::filesystem::path& file);

  // Writes the model to `temporary` with fastText's saveModel, which ignores write errors (a
  // full disk leaves a truncated file), then checks the written file: its size must be the
  // model's and it must pass check_fasttext_file. Throws Error{io} naming `target` otherwise.
  void save_checked(const std::filesystem::path& temporary, const std::filesystem::path& target);

 private:
  // The bytes saveModel writes for this model, counted without writing them.
  std::uint64_t saved_size();
};

// The model's label names without the prefix, in fastText's internal (frequency) order.
std::vector<std::string> model_label_names(const fasttext::FastText& model);

}  // namespace blindspot::model::detail
