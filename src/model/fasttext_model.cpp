#include "fasttext_model.hpp"

#include "blindspot/core/disk_space.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/random.hpp"
#include "blindspot/core/temporary_files.hpp"
#include "blindspot/model/text_normaliser.hpp"

#include "fasttext_file_check.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <numeric>
#include <streambuf>

namespace blindspot::model::detail {
namespace {

core::Error bad_model(const std::filesystem::path& file, const std::string& problem) {
  return core::Error(core::ErrorKind::bad_input, problem, core::InputLocation{file, 0, {}});
}

// Counts what is written to it and keeps none of it.
class CountingBuffer final : public std::streambuf {
 public:
  std::uint64_t count() const noexcept { return count_; }

 protected:
  std::streamsize xsputn(const char*, std::streamsize bytes) override {
    count_ += static_cast<std::uint64_t>(bytes);
    return bytes;
  }
  int_type overflow(int_type byte) override {
    if (!traits_type::eq_int_type(byte, traits_type::eof())) ++count_;
    return traits_type::not_eof(byte);
  }

 private:
  std::uint64_t count_ = 0;
};

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

// In the workspace's temporary folder, not the system's: a killed process leaves its copy of the
// split where the next start of blindspot finds and removes it.
TrainingFile::TrainingFile(const data::Split& train, std::uint64_t seed)
    : path_(core::temporary_path("blindspot-fasttext", ".txt")) {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw core::Error(core::ErrorKind::io,
                      "cannot create the temporary training file " + path_.string() + ": " + std::strerror(errno));
  }
  std::string line;
  int error_number = 0;
  for (const std::size_t row : training_order(train.examples.size(), seed)) {
    const data::Example& example = train.examples[row];
    line.assign(kLabelPrefix);
    line += train.labels.name(static_cast<std::size_t>(example.label));
    line += ' ';
    line += normalise_text(example.text);
    line += '\n';
    // Stops at the first failed write, while errno still tells why.
    errno = 0;
    if (!out.write(line.data(), static_cast<std::streamsize>(line.size()))) {
      error_number = errno;
      break;
    }
  }
  if (out) {
    errno = 0;
    out.close();
    error_number = errno;
  }
  if (!out) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    throw core::Error(core::ErrorKind::io, "cannot write the temporary training file " + path_.string() + ": " +
                                               core::write_failure_reason(path_, error_number));
  }
}

TrainingFile::~TrainingFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void FastTextModel::load_checked(const std::filesystem::path& file) {
  std::uint64_t size = 0;
  std::ifstream in = open_model_file(file, size);
  check_fasttext_file(in, size, file);
  in.clear();
  in.seekg(0, std::ios::beg);
  // The check read the same bytes, so a failure here is the file changing under us.
  in.exceptions(std::ios::failbit | std::ios::badbit | std::ios::eofbit);
  try {
    if (!checkModel(in)) throw bad_model(file, "not a fastText model (wrong file format or version)");
    loadModel(in);
  } catch (const core::Error&) {
    throw;
  } catch (const std::ios_base::failure&) {
    throw bad_model(file, "truncated fastText model (the file changed while it was read)");
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
}

void FastTextModel::save_checked(const std::filesystem::path& temporary, const std::filesystem::path& target) {
  const std::string failed = "cannot write the model " + target.string() + ": ";
  try {
    saveModel(temporary.string());
  } catch (const std::exception& error) {
    throw core::Error(core::ErrorKind::io, failed + error.what());
  }
  const std::uint64_t expected = saved_size();
  std::error_code error;
  const std::uint64_t written = std::filesystem::file_size(temporary, error);
  if (error) throw core::Error(core::ErrorKind::io, failed + "cannot read back " + temporary.string() + ": " + error.message());
  if (written != expected) {
    throw core::Error(core::ErrorKind::io,
                      failed + "the written file is incomplete (" + std::to_string(written) + " of " +
                          std::to_string(expected) + " bytes): fastText does not report write errors; is " +
                          core::describe_disk_of(target) + " full?");
  }
  try {
    check_fasttext_file(temporary);
  } catch (const core::Error& problem) {
    throw core::Error(core::ErrorKind::io,
                      failed + "the written file does not read back as the model (" + problem.message() + ")");
  }
}

std::uint64_t FastTextModel::saved_size() {
  // The same sequence as FastText::saveModel (fastText 0.9.2), into a stream that only counts.
  CountingBuffer counter;
  std::ostream out(&counter);
  signModel(out);
  args_->save(out);
  dict_->save(out);
  out.write(reinterpret_cast<const char*>(&quant_), sizeof(bool));
  input_->save(out);
  out.write(reinterpret_cast<const char*>(&args_->qout), sizeof(bool));
  output_->save(out);
  return counter.count();
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
