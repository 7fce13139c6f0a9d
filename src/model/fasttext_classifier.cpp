#include "blindspot/model/fasttext_classifier.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/parallel_for.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include "fasttext_file_check.hpp"
#include "fasttext_model.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <istream>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>
#include <streambuf>
#include <unistd.h>

namespace blindspot::model {
namespace {

using core::Error;
using core::ErrorKind;

// fastText returns log(p + 1e-5) for each label (Model::std_log in fastText 0.9.2).
constexpr double kLogEpsilon = 1e-5;

// An istream over a string without copying it: fastText's Dictionary reads tokens from a stream.
class StringBuffer : public std::streambuf {
 public:
  explicit StringBuffer(std::string& text) { setg(text.data(), text.data(), text.data() + text.size()); }
};

std::optional<core::InputLocation> location_of(const data::Split& split, std::int64_t line = 0,
                                               std::string field = {}) {
  if (split.file.empty()) return std::nullopt;
  return core::InputLocation{split.file, line, std::move(field)};
}

template <typename Number>
void require_at_least(const char* name, Number value, Number minimum) {
  if (value < minimum) {
    std::ostringstream message;
    message << "fastText option \"" << name << "\" must be at least " << minimum << " (got " << value << ")";
    throw Error(ErrorKind::usage, message.str());
  }
}

template <typename Number>
void require_at_most(const char* name, Number value, Number maximum) {
  if (value > maximum) {
    std::ostringstream message;
    message << "fastText option \"" << name << "\" must be at most " << maximum << " (got " << value << ")";
    throw Error(ErrorKind::usage, message.str());
  }
}

std::string gigabytes(double bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
  return text;
}

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? static_cast<double>(pages) * static_cast<double>(page_size) : 0.0;
}

// fastText allocates a float per bucket and dimension for the n-gram rows of its input matrix
// before it reads a line; past the machine's memory that is std::bad_alloc or the OOM killer.
void check_input_matrix_memory(const FastTextOptions& options) {
  const bool uses_buckets = options.word_ngrams > 1 || options.max_char_ngram > 0;
  if (!uses_buckets || options.buckets <= 0 || options.dimension <= 0) return;
  const double bytes = static_cast<double>(options.buckets) * static_cast<double>(options.dimension) * sizeof(float);
  const double memory = physical_memory_bytes();
  if (memory <= 0.0 || bytes <= memory) return;
  throw Error(ErrorKind::usage, "the model would need " + gigabytes(bytes) + " for its input matrix (" +
                                    std::to_string(options.buckets) + " buckets x " +
                                    std::to_string(options.dimension) + " dimensions x 4 bytes), more than this " +
                                    "machine's " + gigabytes(memory) + " of memory; lower --buckets or --dim");
}

void validate(const FastTextOptions& options) {
  check_input_matrix_memory(options);
  require_at_least("dimension", options.dimension, 1);
  // A model file's check refuses more; training must not write what loading refuses.
  require_at_most("dimension", options.dimension, detail::kMaxDimension);
  require_at_least("epochs", options.epochs, 1);
  if (!(options.learning_rate > 0.0)) {
    std::ostringstream message;
    message << "fastText option \"learning_rate\" must be positive (got " << options.learning_rate << ")";
    throw Error(ErrorKind::usage, message.str());
  }
  require_at_least("word_ngrams", options.word_ngrams, 1);
  require_at_least("min_char_ngram", options.min_char_ngram, 0);
  require_at_least("max_char_ngram", options.max_char_ngram, options.min_char_ngram);
  require_at_least("min_count", options.min_count, 1);
  require_at_least("buckets", options.buckets, 0);
  require_at_most("buckets", options.buckets, detail::kMaxBuckets);
  require_at_least("threads", options.threads, 0);
  require_at_least("quantize_cutoff", options.quantize_cutoff, 0);
  if (options.max_char_ngram > 0 && options.min_char_ngram == 0) {
    throw Error(ErrorKind::usage, "fastText option \"min_char_ngram\" must be at least 1 when max_char_ngram is set");
  }
  if ((options.word_ngrams > 1 || options.max_char_ngram > 0) && options.buckets == 0) {
    throw Error(ErrorKind::usage, "fastText option \"buckets\" must be at least 1 with word or character n-grams");
  }
}

// Checks the pitfalls fastText itself does not: it "trains" on 0 labels and segfaults later,
// and splits a label with white space into a label and a word.
void validate_training_split(const data::Split& train) {
  if (train.examples.empty()) throw Error(ErrorKind::bad_input, "training data has no examples", location_of(train));
  std::vector<std::int64_t> first_line(train.labels.size(), -1);
  std::size_t distinct = 0;
  for (const data::Example& example : train.examples) {
    auto& line = first_line.at(static_cast<std::size_t>(example.label));
    if (line >= 0) continue;
    line = example.line;
    ++distinct;
    const std::string& name = train.labels.name(static_cast<std::size_t>(example.label));
    if (name.find_first_of(std::string_view(" \t\n\r\v\f\0", 7)) != std::string::npos) {
      throw Error(ErrorKind::bad_input,
                  "label \"" + name + "\" contains white space, which a fastText label cannot hold; rename it",
                  location_of(train, example.line, "label"));
    }
  }
  if (distinct < 2) {
    const std::string& only = train.labels.name(static_cast<std::size_t>(train.examples.front().label));
    throw Error(ErrorKind::bad_input,
                "training data has only 1 label (\"" + only + "\"); a classifier needs at least 2", location_of(train));
  }
}

// Reports fastText's progress as monotonic fractions (every training thread calls fastText's
// callback, each with its own view of the shared token count), and keeps an exception from
// the user's callback off fastText's worker threads.
class TrainingProgress {
 public:
  TrainingProgress(const core::ProgressCallback& callback, detail::FastTextModel& model)
      : callback_(callback), model_(model) {}

  void report(double fraction) {
    if (!callback_) return;
    const std::lock_guard lock(mutex_);
    if (failure_ || fraction <= last_) return;
    last_ = fraction;
    try {
      callback_("training", std::clamp(fraction, 0.0, 1.0));
    } catch (...) {
      failure_ = std::current_exception();
      model_.abort();
    }
  }
  void rethrow_failure() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  const core::ProgressCallback& callback_;
  detail::FastTextModel& model_;
  std::mutex mutex_;
  // 0 is reported before fastText starts.
  double last_ = 0.0;
  std::exception_ptr failure_;
};

}  // namespace

struct FastTextClassifier::Impl {
  std::unique_ptr<detail::FastTextModel> model;
  data::LabelSet labels;
  // fastText's label id (frequency order) -> index in `labels`.
  std::vector<std::size_t> label_index;
  // FastText::getSentenceVector is not const.
  std::mutex sentence_mutex;
  // The file the model was loaded from, for errors that show only when it predicts.
  std::filesystem::path file;

  // Logically const callers (save, sentence_vector) need fastText's non-const methods.
  detail::FastTextModel& require_model() const {
    if (!model) throw Error(ErrorKind::internal, "the fastText classifier has no model yet: train or load one first");
    return *model;
  }

  void adopt(std::unique_ptr<detail::FastTextModel> trained, data::LabelSet label_set) {
    std::vector<std::size_t> index;
    for (const std::string& name : detail::model_label_names(*trained)) {
      const auto found = label_set.index_of(name);
      if (!found) throw Error(ErrorKind::internal, "fastText returned an unknown label \"" + name + "\"");
      index.push_back(static_cast<std::size_t>(*found));
    }
    model = std::move(trained);
    labels = std::move(label_set);
    label_index = std::move(index);
  }

  // Word, n-gram and EOS ids of a normalised text, as fastText's predictLine computes them.
  std::vector<std::int32_t> word_ids(std::string_view text) const {
    std::string line = normalise_text(text);
    // Every training line ends with a newline, which fastText turns into the "</s>" token.
    line.push_back('\n');
    StringBuffer buffer(line);
    std::istream in(&buffer);
    std::vector<std::int32_t> words;
    std::vector<std::int32_t> labels_found;
    require_model().getDictionary()->getLine(in, words, labels_found);
    return words;
  }
};

FastTextClassifier::FastTextClassifier(FastTextOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {
  validate(options_);
}

FastTextClassifier::~FastTextClassifier() = default;

std::string FastTextClassifier::options_json() const {
  const nlohmann::json json = {
      {"dimension", options_.dimension},           {"epochs", options_.epochs},
      {"learning_rate", options_.learning_rate},   {"word_ngrams", options_.word_ngrams},
      {"min_char_ngram", options_.min_char_ngram}, {"max_char_ngram", options_.max_char_ngram},
      {"min_count", options_.min_count},           {"buckets", options_.buckets},
      {"threads", options_.threads},               {"seed", options_.seed},
      {"quantize", options_.quantize},             {"quantize_cutoff", options_.quantize_cutoff},
      {"training_version", kFastTextTrainingVersion},
  };
  return json.dump();
}

void FastTextClassifier::train(const data::Split& train, const core::ProgressCallback& progress) {
  validate_training_split(train);
  const detail::TrainingFile file(train, static_cast<std::uint64_t>(options_.seed));
  FastTextOptions effective = options_;
  effective.threads = core::resolve_thread_count(options_.threads);
  auto model = std::make_unique<detail::FastTextModel>();
  if (progress) progress("training", 0.0);
  TrainingProgress reporter(progress, *model);
  try {
    model->train(detail::supervised_args(effective, file.path()),
                 [&reporter](float fraction, float, double, double, std::int64_t) { reporter.report(fraction); });
  } catch (const fasttext::FastText::AbortError&) {
    reporter.rethrow_failure();
    throw Error(ErrorKind::internal, "fastText training was aborted");
  } catch (const std::invalid_argument& error) {
    throw Error(ErrorKind::bad_input, std::string("fastText cannot train on this data: ") + error.what(),
                location_of(train));
  } catch (const std::bad_alloc&) {
    // Within the machine's memory on paper (validate), but not in what is free now.
    throw Error(ErrorKind::usage, "fastText ran out of memory for a model of " + std::to_string(options_.buckets) +
                                      " buckets x " + std::to_string(options_.dimension) +
                                      " dimensions; lower --buckets or --dim");
  } catch (const std::exception& error) {
    // fastText's only other failure is a NaN loss (DenseMatrix::EncounteredNaNError).
    throw Error(ErrorKind::bad_input,
                std::string("fastText training failed (") + error.what() + "); try a lower learning rate",
                location_of(train));
  }
  if (model->getDictionary()->nwords() == 0) {
    // fastText trains a model of labels alone then, which predicts nothing.
    throw Error(ErrorKind::bad_input,
                "no word occurs at least min_count (" + std::to_string(options_.min_count) +
                    ") times in the training data; lower min_count",
                location_of(train));
  }
  if (options_.quantize) {
    try {
      model->quantize(detail::quantize_args(options_));
    } catch (const std::exception& error) {
      throw Error(ErrorKind::bad_input, std::string("cannot quantise the fastText model: ") + error.what(),
                  location_of(train));
    }
  }
  impl_->adopt(std::move(model), train.labels);
  impl_->file.clear();
  if (progress) progress("training", 1.0);
}

const data::LabelSet& FastTextClassifier::labels() const { return impl_->labels; }

Probabilities FastTextClassifier::probabilities(std::string_view text) const {
  const detail::FastTextModel& model = impl_->require_model();
  const std::vector<std::int32_t> words = impl_->word_ids(text);
  Probabilities result(impl_->labels.size(), 0.0);
  const auto model_labels = static_cast<std::int32_t>(impl_->label_index.size());
  fasttext::Predictions predictions;
  try {
    if (!words.empty()) model.predict(model_labels, words, predictions, 0.0F);
  } catch (const fasttext::DenseMatrix::EncounteredNaNError&) {
    // The file check reads no weights (it must stay fast); NaN weights show here.
    std::optional<core::InputLocation> where;
    if (!impl_->file.empty()) where = core::InputLocation{impl_->file, 0, {}};
    throw Error(ErrorKind::bad_input, "corrupt fastText model: its weights give NaN scores", where);
  }
  if (predictions.empty()) {
    // Nothing to go on (fastText predicts nothing for an empty line): no label is favoured.
    for (const std::size_t index : impl_->label_index) result[index] = 1.0 / model_labels;
    return result;
  }
  double total = 0.0;
  for (const auto& [log_probability, label_id] : predictions) {
    const double probability = std::max(0.0, std::exp(static_cast<double>(log_probability)) - kLogEpsilon);
    result[impl_->label_index.at(static_cast<std::size_t>(label_id))] = probability;
    total += probability;
  }
  // fastText computes in float; renormalising makes the vector sum to 1 in double.
  if (total > 0.0) {
    for (double& probability : result) probability /= total;
  }
  return result;
}

std::vector<Probabilities> FastTextClassifier::predict_batch(const std::vector<std::string>& texts,
                                                             int threads) const {
  impl_->require_model();
  return Classifier::predict_batch(texts, threads);
}

ModelIdentity FastTextClassifier::identity() const {
  return {kind(), "fasttext", "", options_.word_ngrams > 1 ? "a bag-of-words and word-bigram classifier (fastText)"
                                                          : "a bag-of-words classifier (fastText)"};
}

std::vector<float> FastTextClassifier::sentence_vector(std::string_view text) const {
  const std::lock_guard lock(impl_->sentence_mutex);
  detail::FastTextModel& model = impl_->require_model();
  std::string line = normalise_text(text);
  line.push_back('\n');
  StringBuffer buffer(line);
  std::istream in(&buffer);
  fasttext::Vector vector(model.getDimension());
  model.getSentenceVector(in, vector);
  return {vector.data(), vector.data() + vector.size()};
}

void FastTextClassifier::save(const std::filesystem::path& file) const {
  detail::FastTextModel& model = impl_->require_model();
  core::AtomicFile output(file);
  // saveModel insists on a path; AtomicFile's own stream stays empty. A file that fails the
  // check is removed by AtomicFile's destructor, never committed.
  model.save_checked(output.temporary_path(), file);
  output.commit();
}

void FastTextClassifier::load(const std::filesystem::path& file) {
  auto model = std::make_unique<detail::FastTextModel>();
  model->load_checked(file);
  const fasttext::Args args = model->getArgs();
  auto label_set = data::LabelSet::sorted_from(detail::model_label_names(*model));
  impl_->adopt(std::move(model), std::move(label_set));
  impl_->file = file;
  // The file records the shape of the model, not how it was trained (learning rate, threads, seed).
  options_.dimension = args.dim;
  options_.epochs = args.epoch;
  options_.word_ngrams = args.wordNgrams;
  options_.min_char_ngram = args.minn;
  options_.max_char_ngram = args.maxn;
  options_.min_count = args.minCount;
  options_.buckets = args.bucket;
  options_.quantize = impl_->model->isQuant();
}

}  // namespace blindspot::model
