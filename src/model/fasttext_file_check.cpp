#include "fasttext_file_check.hpp"

#include "blindspot/core/error.hpp"

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

// The layout checked here is fastText 0.9.2's FastText::saveModel (fasttext.cc, args.cc,
// dictionary.cc, densematrix.cc, quantmatrix.cc, productquantizer.cc): every number is written in
// the machine's byte order, ints are 32 bits, counts and matrix sizes 64, flags one byte.
namespace blindspot::model::detail {
namespace {

using core::Error;
using core::ErrorKind;

constexpr std::int32_t kMagic = 793712314;               // FASTTEXT_FILEFORMAT_MAGIC_INT32
constexpr std::int32_t kVersion = 12;                    // FASTTEXT_VERSION
constexpr std::int32_t kOldestVersion = 11;              // whose supervised models ignore maxn
constexpr std::int64_t kMaxVocabulary = 30'000'000;      // Dictionary::MAX_VOCAB_SIZE
constexpr std::uint64_t kCentroidsPerSubquantizer = 256;  // ProductQuantizer::ksub_
constexpr std::uint64_t kFloatBytes = 4;                 // fasttext::real
// The smallest dictionary entry: an empty word's NUL, the 64-bit count and the type byte.
constexpr std::uint64_t kSmallestEntryBytes = 1 + 8 + 1;
constexpr std::int32_t kSupervised = 3;  // fasttext::model_name::sup
constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

std::uint64_t product(std::uint64_t first, std::uint64_t second) {
  std::uint64_t result = 0;
  // Saturates: a size past 2^64 bytes is as truncated as any size past the file's end.
  if (__builtin_mul_overflow(first, second, &result)) return std::numeric_limits<std::uint64_t>::max();
  return result;
}

// Reads the model front to back, never past `size`, keeping count of where it is. Every value
// is checked against the bytes left before anything depends on it.
class ModelReader {
 public:
  ModelReader(std::istream& in, std::uint64_t size, const std::filesystem::path& file)
      : in_(in), size_(size), file_(file) {}

  std::uint64_t remaining() const noexcept { return size_ - offset_; }

  template <typename Value>
  Value read(std::string_view what) {
    static_assert(std::is_trivially_copyable_v<Value>);
    require(sizeof(Value), what);
    Value value{};
    in_.read(reinterpret_cast<char*>(&value), sizeof(Value));
    if (in_.gcount() != static_cast<std::streamsize>(sizeof(Value))) ended_early(what);
    offset_ += sizeof(Value);
    return value;
  }

  // fastText reads its flags straight into a bool: only 0 and 1 are values.
  bool read_flag(std::string_view what) {
    const auto byte = read<std::uint8_t>(what);
    if (byte > 1) corrupt(std::string(what) + " " + std::to_string(byte) + " (must be 0 or 1)");
    return byte == 1;
  }

  // Numbers fastText reads but that cannot make it fail: stepped over, not read.
  void skip(std::uint64_t bytes, std::string_view what) {
    require(bytes, what);
    if (bytes == 0) return;
    in_.seekg(static_cast<std::streamoff>(bytes), std::ios::cur);
    if (!in_) ended_early(what);
    offset_ += bytes;
  }

  // Steps over a NUL-terminated word; returns its length without the NUL.
  std::uint64_t skip_word(std::string_view what) {
    std::streambuf& buffer = *in_.rdbuf();
    for (std::uint64_t length = 0;; ++length) {
      require(1, what);
      const int byte = buffer.sbumpc();
      if (byte == std::char_traits<char>::eof()) ended_early(what);
      ++offset_;
      if (byte == 0) return length;
    }
  }

  // The model must end exactly at the file's end; the last byte must also really be there
  // (a seek past the end of a file succeeds).
  void finish() {
    if (offset_ < size_) {
      corrupt(std::to_string(size_ - offset_) + " trailing bytes after the model's end at byte " +
              std::to_string(offset_));
    }
    if (size_ == 0) return;
    in_.seekg(static_cast<std::streamoff>(size_ - 1), std::ios::beg);
    if (!in_ || in_.rdbuf()->sbumpc() == std::char_traits<char>::eof()) ended_early("the output matrix");
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw Error(ErrorKind::bad_input, message, core::InputLocation{file_, 0, {}});
  }
  [[noreturn]] void corrupt(const std::string& problem) const { fail("corrupt fastText model: " + problem); }

 private:
  void require(std::uint64_t bytes, std::string_view what) const {
    if (bytes <= remaining()) return;
    fail("truncated fastText model: " + std::string(what) + " needs " + std::to_string(bytes) + " bytes at byte " +
         std::to_string(offset_) + ", but the file has " + std::to_string(size_) + " bytes");
  }
  [[noreturn]] void ended_early(std::string_view what) const {
    fail("truncated fastText model: the file ends at byte " + std::to_string(offset_) + " inside " +
         std::string(what) + " (its size said " + std::to_string(size_) + " bytes)");
  }

  std::istream& in_;
  std::uint64_t size_;
  std::uint64_t offset_ = 0;
  const std::filesystem::path& file_;
};

void require_between(const ModelReader& reader, std::string_view field, std::int64_t value, std::int64_t low,
                     std::int64_t high) {
  if (value >= low && value <= high) return;
  std::string bounds = high == kNoLimit ? "must be at least " + std::to_string(low)
                                        : "must be between " + std::to_string(low) + " and " + std::to_string(high);
  reader.corrupt(std::string(field) + " " + std::to_string(value) + " (" + bounds + ")");
}

// What the rest of the file depends on, from Args::save.
struct ModelArgs {
  std::int64_t dimension = 0;
  std::int64_t buckets = 0;
  bool supervised = false;
};

// Returns whether the model is of the older version, whose supervised models ignore maxn.
bool check_header(ModelReader& reader) {
  if (reader.remaining() < 8) {
    reader.fail("not a fastText model (" + std::to_string(reader.remaining()) +
                " bytes, shorter than fastText's 8-byte header)");
  }
  if (reader.read<std::int32_t>("the magic number") != kMagic) {
    reader.fail("not a fastText model (wrong file format: no fastText magic number)");
  }
  const auto version = reader.read<std::int32_t>("the version");
  if (version < kOldestVersion || version > kVersion) {
    reader.fail("unsupported fastText model version " + std::to_string(version) + " (fastText 0.9.2 reads versions " +
                std::to_string(kOldestVersion) + " and " + std::to_string(kVersion) + ")");
  }
  return version == kOldestVersion;
}

ModelArgs check_args(ModelReader& reader, bool old_version) {
  ModelArgs args;
  args.dimension = reader.read<std::int32_t>("dim");
  require_between(reader, "dimension (dim)", args.dimension, 1, kMaxDimension);
  require_between(reader, "context window (ws)", reader.read<std::int32_t>("ws"), 0, kNoLimit);
  require_between(reader, "epoch count (epoch)", reader.read<std::int32_t>("epoch"), 0, kNoLimit);
  require_between(reader, "minimal word count (minCount)", reader.read<std::int32_t>("minCount"), 0, kNoLimit);
  require_between(reader, "negative sample count (neg)", reader.read<std::int32_t>("neg"), 0, kNoLimit);
  const std::int64_t word_ngrams = reader.read<std::int32_t>("wordNgrams");
  require_between(reader, "word n-gram length (wordNgrams)", word_ngrams, 0, kNoLimit);
  require_between(reader, "loss", reader.read<std::int32_t>("loss"), 1, 4);
  const std::int64_t model = reader.read<std::int32_t>("model");
  require_between(reader, "model type (model)", model, 1, 3);
  args.supervised = model == kSupervised;
  args.buckets = reader.read<std::int32_t>("bucket");
  require_between(reader, "bucket count", args.buckets, 0, kMaxBuckets);
  require_between(reader, "shortest character n-gram (minn)", reader.read<std::int32_t>("minn"), 0, kNoLimit);
  std::int64_t max_char_ngram = reader.read<std::int32_t>("maxn");
  require_between(reader, "longest character n-gram (maxn)", max_char_ngram, 0, kNoLimit);
  // fastText 0.9.2 loads old supervised models without character n-grams.
  if (old_version && args.supervised) max_char_ngram = 0;
  require_between(reader, "learning rate update rate (lrUpdateRate)", reader.read<std::int32_t>("lrUpdateRate"), 0,
                  kNoLimit);
  const auto sampling = reader.read<double>("t");
  if (!(sampling >= 0.0 && sampling <= std::numeric_limits<double>::max())) {
    reader.corrupt("sampling threshold (t) " + std::to_string(sampling) + " (must be a finite number >= 0)");
  }
  // fastText hashes n-grams modulo the bucket count: 0 buckets would divide by zero.
  if ((word_ngrams > 1 || max_char_ngram > 0) && args.buckets == 0) {
    reader.corrupt("bucket count 0 with word or character n-grams (wordNgrams " + std::to_string(word_ngrams) +
                   ", maxn " + std::to_string(max_char_ngram) + "; must be at least 1)");
  }
  return args;
}

// What the matrices depend on, from Dictionary::save.
struct DictionaryShape {
  std::int64_t words = 0;
  std::int64_t labels = 0;
  std::int64_t pruned_buckets = -1;  // -1: not pruned (every bucket has a row)
};

DictionaryShape check_dictionary_counts(ModelReader& reader, const ModelArgs& args) {
  DictionaryShape shape;
  const std::int64_t size = reader.read<std::int32_t>("the dictionary size");
  // fastText's lookups take a hash modulo a table sized by the dictionary: it must not be empty.
  require_between(reader, "dictionary size", size, 1, kMaxVocabulary);
  shape.words = reader.read<std::int32_t>("nwords");
  require_between(reader, "word count (nwords)", shape.words, 0, size);
  shape.labels = reader.read<std::int32_t>("nlabels");
  require_between(reader, "label count (nlabels)", shape.labels, 0, size);
  if (shape.words + shape.labels != size) {
    reader.corrupt("word count " + std::to_string(shape.words) + " + label count " + std::to_string(shape.labels) +
                   " != dictionary size " + std::to_string(size));
  }
  if (args.supervised && shape.labels == 0) reader.corrupt("a supervised model with no labels");
  require_between(reader, "token count (ntokens)", reader.read<std::int64_t>("ntokens"), 0, kNoLimit);
  shape.pruned_buckets = reader.read<std::int64_t>("pruneidx_size");
  require_between(reader, "pruned bucket count (pruneidx_size)", shape.pruned_buckets, -1, args.buckets);
  if (product(static_cast<std::uint64_t>(size), kSmallestEntryBytes) > reader.remaining()) {
    reader.fail("truncated fastText model: " + std::to_string(size) + " dictionary entries need at least " +
                std::to_string(product(static_cast<std::uint64_t>(size), kSmallestEntryBytes)) + " bytes, " +
                std::to_string(reader.remaining()) + " are left");
  }
  return shape;
}

// Entries 0..nwords-1 are words and the rest labels: fastText uses a word's entry number as its
// row in the input matrix, so a "word" among the labels would read past the matrix.
void check_dictionary_entries(ModelReader& reader, const DictionaryShape& shape) {
  const std::int64_t size = shape.words + shape.labels;
  // Messages are built only on failure: a large model has hundreds of thousands of entries.
  const auto where = [](std::int64_t entry) { return "dictionary entry " + std::to_string(entry); };
  for (std::int64_t entry = 0; entry < size; ++entry) {
    if (reader.skip_word("a dictionary entry's word") == 0) reader.corrupt(where(entry) + " has an empty word");
    const auto count = reader.read<std::int64_t>("a dictionary entry's count");
    if (count < 0) require_between(reader, where(entry) + "'s count", count, 0, kNoLimit);
    const std::int64_t type = reader.read<std::int8_t>("a dictionary entry's type");
    const std::int64_t expected = entry < shape.words ? 0 : 1;
    if (type != expected) {
      reader.corrupt(where(entry) + " has type " + std::to_string(type) + " (must be " + std::to_string(expected) +
                     ": entries 0 to nwords-1 are words (0), the rest labels (1))");
    }
  }
}

// A pruned (quantised) dictionary maps the kept n-gram buckets to rows after the words.
void check_prune_index(ModelReader& reader, const ModelArgs& args, const DictionaryShape& shape) {
  const auto where = [](std::int64_t pair) { return "pruned bucket pair " + std::to_string(pair); };
  for (std::int64_t pair = 0; pair < shape.pruned_buckets; ++pair) {
    const std::int64_t bucket = reader.read<std::int32_t>("a pruned bucket pair");
    if (bucket < 0 || bucket >= args.buckets) {
      require_between(reader, where(pair) + "'s bucket", bucket, 0, args.buckets - 1);
    }
    const std::int64_t row = reader.read<std::int32_t>("a pruned bucket pair");
    if (row < 0 || row >= shape.pruned_buckets) {
      require_between(reader, where(pair) + "'s row", row, 0, shape.pruned_buckets - 1);
    }
  }
}

DictionaryShape check_dictionary(ModelReader& reader, const ModelArgs& args) {
  const DictionaryShape shape = check_dictionary_counts(reader, args);
  check_dictionary_entries(reader, shape);
  check_prune_index(reader, args, shape);
  return shape;
}

void check_matrix_size(ModelReader& reader, std::string_view name, std::int64_t rows, std::int64_t columns) {
  const auto stored_rows = reader.read<std::int64_t>(std::string("the row count of the ") + std::string(name));
  if (stored_rows != rows) {
    reader.corrupt(std::string(name) + " has " + std::to_string(stored_rows) + " rows (must be " +
                   std::to_string(rows) + " for the dictionary and bucket counts)");
  }
  const auto stored_columns = reader.read<std::int64_t>(std::string("the column count of the ") + std::string(name));
  if (stored_columns != columns) {
    reader.corrupt(std::string(name) + " has " + std::to_string(stored_columns) + " columns (must be the dimension " +
                   std::to_string(columns) + ")");
  }
}

void check_dense_matrix(ModelReader& reader, std::string_view name, std::int64_t rows, std::int64_t columns) {
  check_matrix_size(reader, name, rows, columns);
  const std::uint64_t cells = product(static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(columns));
  reader.skip(product(cells, kFloatBytes), "the " + std::string(name) + "'s numbers");
}

// ProductQuantizer(dim, dsub): dim/dsub sub-vectors of dsub numbers, the last one shorter
// when dsub does not divide dim, each with 256 centroids. Returns the sub-vector count.
std::int64_t check_product_quantizer(ModelReader& reader, const std::string& name, std::int64_t dimension) {
  const std::int64_t stored_dimension = reader.read<std::int32_t>("the dimension of the " + name);
  require_between(reader, name + "'s dimension", stored_dimension, dimension, dimension);
  const std::int64_t subvectors = reader.read<std::int32_t>("the sub-vector count of the " + name);
  const std::int64_t subvector_size = reader.read<std::int32_t>("the sub-vector size of the " + name);
  require_between(reader, name + "'s sub-vector size (dsub)", subvector_size, 1, dimension);
  require_between(reader, name + "'s sub-vector count (nsubq)", subvectors,
                  (dimension + subvector_size - 1) / subvector_size, (dimension + subvector_size - 1) / subvector_size);
  const std::int64_t rest = dimension % subvector_size;
  const std::int64_t last_size = rest == 0 ? subvector_size : rest;
  require_between(reader, name + "'s last sub-vector size (lastdsub)",
                  reader.read<std::int32_t>("the last sub-vector size of the " + name), last_size, last_size);
  reader.skip(product(product(static_cast<std::uint64_t>(dimension), kCentroidsPerSubquantizer), kFloatBytes),
              "the " + name + "'s centroids");
  return subvectors;
}

void check_quantized_matrix(ModelReader& reader, std::string_view name, std::int64_t rows, std::int64_t columns) {
  const std::string matrix(name);
  const bool quantized_norms = reader.read_flag(matrix + "'s norm quantisation flag (qnorm)");
  check_matrix_size(reader, name, rows, columns);
  const std::int64_t code_count = reader.read<std::int32_t>("the code count of the " + matrix);
  require_between(reader, matrix + "'s code count (codesize)", code_count, 0, kNoLimit);
  reader.skip(static_cast<std::uint64_t>(code_count), "the " + matrix + "'s codes");
  const std::int64_t subvectors = check_product_quantizer(reader, matrix + "'s product quantiser", columns);
  // One code per row and sub-vector: QuantMatrix indexes codes by row * nsubq + sub-vector.
  require_between(reader, matrix + "'s code count (codesize)", code_count, rows * subvectors, rows * subvectors);
  if (!quantized_norms) return;
  reader.skip(static_cast<std::uint64_t>(rows), "the " + matrix + "'s norm codes");
  check_product_quantizer(reader, matrix + "'s norm quantiser", 1);
}

void check_matrices(ModelReader& reader, const ModelArgs& args, const DictionaryShape& shape) {
  const bool quantized_input = reader.read_flag("the quantised input flag (quant_input)");
  const bool pruned = shape.pruned_buckets >= 0;
  if (pruned && !quantized_input) {
    reader.corrupt("a pruned dictionary (pruneidx_size " + std::to_string(shape.pruned_buckets) +
                   ") with a dense input matrix (fastText prunes only quantised models)");
  }
  // A row per word and per kept n-gram bucket.
  const std::int64_t input_rows = shape.words + (pruned ? shape.pruned_buckets : args.buckets);
  if (quantized_input) {
    check_quantized_matrix(reader, "input matrix", input_rows, args.dimension);
  } else {
    check_dense_matrix(reader, "input matrix", input_rows, args.dimension);
  }
  const bool quantized_output = reader.read_flag("the quantised output flag (qout)") && quantized_input;
  // A supervised model predicts labels, a word-vector model words.
  const std::int64_t output_rows = args.supervised ? shape.labels : shape.words;
  if (quantized_output) {
    check_quantized_matrix(reader, "output matrix", output_rows, args.dimension);
  } else {
    check_dense_matrix(reader, "output matrix", output_rows, args.dimension);
  }
}

// The check reports errors as Error, not as stream exceptions a caller may have enabled.
class StreamExceptionsOff {
 public:
  explicit StreamExceptionsOff(std::istream& in) : in_(in), saved_(in.exceptions()) { in_.exceptions(std::ios::goodbit); }
  ~StreamExceptionsOff() {
    in_.clear();
    in_.exceptions(saved_);
  }
  StreamExceptionsOff(const StreamExceptionsOff&) = delete;
  StreamExceptionsOff& operator=(const StreamExceptionsOff&) = delete;

 private:
  std::istream& in_;
  std::ios::iostate saved_;
};

}  // namespace

void check_fasttext_file(std::istream& in, std::uint64_t size, const std::filesystem::path& file) {
  const StreamExceptionsOff exceptions_off(in);
  ModelReader reader(in, size, file);
  const bool old_version = check_header(reader);
  const ModelArgs args = check_args(reader, old_version);
  const DictionaryShape shape = check_dictionary(reader, args);
  check_matrices(reader, args, shape);
  reader.finish();
}

std::ifstream open_model_file(const std::filesystem::path& file, std::uint64_t& size) {
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (error) throw Error(ErrorKind::io, "cannot open " + file.string() + ": " + error.message());
  if (std::filesystem::is_directory(status)) {
    throw Error(ErrorKind::bad_input, "a folder, not a model file", core::InputLocation{file, 0, {}});
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw Error(ErrorKind::bad_input, "not a regular file (a FIFO, socket or device); a model must be a file",
                core::InputLocation{file, 0, {}});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorKind::io, "cannot open " + file.string() + ": " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  in.seekg(0, std::ios::beg);
  if (end < 0 || !in) throw Error(ErrorKind::io, "cannot read " + file.string() + ": cannot find its size");
  size = static_cast<std::uint64_t>(end);
  return in;
}

void check_fasttext_file(const std::filesystem::path& file) {
  std::uint64_t size = 0;
  std::ifstream in = open_model_file(file, size);
  check_fasttext_file(in, size, file);
}

}  // namespace blindspot::model::detail
