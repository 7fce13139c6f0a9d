#include "fasttext_model.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <unistd.h>

namespace blindspot::model::detail {
namespace {

std::filesystem::path unique_temporary_path() {
  std::random_device device;
  std::ostringstream name;
  name << "blindspot-fasttext-" << ::getpid() << "-" << std::hex << device() << device() << ".txt";
  return std::filesystem::temp_directory_path() / name.str();
}

core::Error bad_model(const std::filesystem::path& file, const std::string& problem) {
  return core::Error(core::ErrorKind::bad_input, problem, core::InputLocation{file, 0, {}});
}

}  // namespace

fasttext::Args supervised_args(const FastTextOptions& options, const std::filesystem::path& input) {
  fasttext::Args args;
  args.input = input.string();
  args.output.clear();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.minCount = options.min_count;
  args.minCountLabel = 0;
  args.minn = options.min_char_ngram;
  args.maxn = options.max_char_ngram;
  args.wordNgrams = options.word_ngrams;
  // Without word or character n-grams nothing is hashed; fastText's CLI drops the buckets
  // then too, which keeps the model file to the vocabulary.
  args.bucket = options.word_ngrams <= 1 && options.max_char_ngram == 0 ? 0 : options.buckets;
  args.dim = options.dimension;
  args.epoch = options.epochs;
  args.lr = options.learning_rate;
  args.thread = options.threads;
  args.seed = options.seed;
  args.verbose = 0;
  args.saveOutput = false;
  args.pretrainedVectors.clear();
  return args;
}

fasttext::Args quantize_args(const FastTextOptions& options) {
  fasttext::Args args;
  args.input.clear();
  args.output.clear();
  args.qout = false;
  args.retrain = false;
  args.qnorm = true;
  args.dsub = 2;
  args.cutoff = static_cast<std::size_t>(options.quantize_cutoff);
  args.verbose = 0;
  return args;
}

std::vector<std::size_t> training_order(std::size_t rows, std::uint64_t seed) {
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  // A stream of its own, so that the order never correlates with other draws from the same seed.
  constexpr std::uint64_t kTrainingOrderStream = 0x7472'6169'6e6f'7264ULL;  // "trainord"
  core::Rng rng(core::derive_seed(seed, kTrainingOrderStream));
  for (std::size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

TrainingFile::TrainingFile(const data::Split& train, std::uint64_t seed) : path_(unique_temporary_path()) {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw core::Error(core::ErrorKind::io,
                      "cannot create the temporary training file " + path_.string() + ": " + std::strerror(errno));
  }
  std::string line;
  for (const std::size_t row : training_order(train.examples.size(), seed)) {
    const data::Example& example = train.examples[row];
    line.assign(kLabelPrefix);
    line += train.labels.name(static_cast<std::size_t>(example.label));
    line += ' ';
    line += normalise_text(example.text);
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  out.flush();
  if (!out) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    throw core::Error(core::ErrorKind::io, "cannot write the temporary training file " + path_.string());
  }
}

TrainingFile::~TrainingFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void FastTextModel::load_checked(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw core::Error(core::ErrorKind::io, "cannot open " + file.string() + ": " + std::strerror(errno));
  // A valid file is read to its last byte and no further, so any short read means truncation;
  // without this, fastText's dictionary reader spins forever at EOF.
  in.exceptions(std::ios::failbit | std::ios::badbit | std::ios::eofbit);
  try {
    if (!checkModel(in)) throw bad_model(file, "not a fastText model (wrong file format or version)");
    loadModel(in);
  } catch (const core::Error&) {
    throw;
  } catch (const std::ios_base::failure&) {
    throw bad_model(file, "truncated or corrupt fastText model");
  } catch (const std::exception& error) {
    throw bad_model(file, std::string("corrupt fastText model (") + error.what() + ")");
  }
  if (args_->model != fasttext::model_name::sup) {
    throw bad_model(file, "not a supervised fastText model (a word-vector model cannot classify)");
  }
  if (dict_->nlabels() < 2) {
    throw bad_model(file, "the fastText model has " + std::to_string(dict_->nlabels()) +
                              " label(s); a classifier needs at least 2");
  }
  check_shapes(file);
}

void FastTextModel::check_shapes(const std::filesystem::path& file) const {
  const bool consistent = output_->size(0) == dict_->nlabels() && output_->size(1) == args_->dim &&
                          input_->size(1) == args_->dim;
  if (!consistent) throw bad_model(file, "corrupt fastText model (matrix sizes disagree with the dictionary)");
}

std::vector<std::string> model_label_names(const fasttext::FastText& model) {
  const auto dictionary = model.getDictionary();
  const std::string prefix = kLabelPrefix;
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(dictionary->nlabels()));
  for (std::int32_t id = 0; id < dictionary->nlabels(); ++id) {
    std::string name = dictionary->getLabel(id);
    if (name.compare(0, prefix.size(), prefix) == 0) name.erase(0, prefix.size());
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace blindspot::model::detail
