#pragma once

// Private to src/model: the parts of fastText's API that need care (see
// ../shared/notes/ecosystem.md section 2), wrapped so fasttext_classifier.cpp reads plainly.

#include "blindspot/data/example.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include <fasttext/fasttext.h>

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
class TrainingFile {
 public:
  // Throws Error{io} if the file cannot be written.
  explicit TrainingFile(const data::Split& train);
  ~TrainingFile();
  TrainingFile(const TrainingFile&) = delete;
  TrainingFile& operator=(const TrainingFile&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// fastText keeps its model checks and matrices protected; this subclass adds a load that
// rejects truncated or inconsistent files instead of keeping a half-read model (or spinning
// forever: fastText's dictionary reader loops on EOF).
class FastTextModel final : public fasttext::FastText {
 public:
  // Throws Error{io} if the file cannot be opened, Error{bad_input} naming it if it is not
  // a complete supervised fastText model with at least 2 labels.
  void load_checked(const std::filesystem::path& file);

 private:
  // Throws Error{bad_input} naming `file` if the matrices disagree with the dictionary.
  void check_shapes(const std::filesystem::path& file) const;
};

// The model's label names without the prefix, in fastText's internal (frequency) order.
std::vector<std::string> model_label_names(const fasttext::FastText& model);

}  // namespace blindspot::model::detail
