// fasttext_file_check pins the validation of fastText model files: real models trained and saved
// here pass and load, and the same bytes patched as a hostile file would be are refused with
// Error{bad_input} naming the file (fastText itself aborts, segfaults or accepts them).
#include "fasttext_file_check.hpp"

#include "blindspot/model/fasttext_classifier.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <sys/stat.h>

using namespace blindspot;
using core::ErrorKind;
using model::FastTextClassifier;
using model::FastTextOptions;
using model::detail::check_fasttext_file;
using testing::HasSubstr;
using testing::StartsWith;

namespace {

// Offsets in a fastText 0.9.2 model file (FastText::saveModel, Args::save, Dictionary::save).
constexpr std::size_t kVersionAt = 4;
constexpr std::size_t kDimensionAt = 8;
constexpr std::size_t kBucketAt = 40;
constexpr std::size_t kDictionarySizeAt = 64;
constexpr std::size_t kWordCountAt = 68;
constexpr std::size_t kTokenCountAt = 76;
constexpr std::size_t kPrunedBucketsAt = 84;
constexpr std::size_t kFirstEntryAt = 92;

data::Split toy_split() {
  data::Split split;
  split.name = "train";
  split.file = "toy/train.csv";
  split.labels = data::LabelSet({"negative", "positive"});
  const std::vector<std::string> negative = {"bad awful film", "terrible and boring", "boring bad mess"};
  const std::vector<std::string> positive = {"good great film", "wonderful and fun", "lovely great story"};
  std::int64_t line = 2;
  for (int round = 0; round < 10; ++round) {
    for (const auto& text : negative) split.examples.push_back({text, 0, line++});
    for (const auto& text : positive) split.examples.push_back({text, 1, line++});
  }
  return split;
}

// The kinds of model fastText writes: dense with and without hashed n-grams, with character
// n-grams, quantised with its dictionary pruned (cutoff) and not.
std::map<std::string, FastTextOptions> model_kinds() {
  FastTextOptions base;
  base.dimension = 8;
  base.buckets = 500;
  base.epochs = 5;
  std::map<std::string, FastTextOptions> kinds;
  kinds["bigrams"] = base;
  kinds["unigrams"] = base;
  kinds["unigrams"].word_ngrams = 1;
  kinds["subwords"] = base;
  kinds["subwords"].min_char_ngram = 2;
  kinds["subwords"].max_char_ngram = 3;
  kinds["quantized_pruned"] = base;
  kinds["quantized_pruned"].quantize = true;
  kinds["quantized_pruned"].quantize_cutoff = 300;  // of about 520 rows (fastText needs 256)
  kinds["quantized_whole"] = base;
  kinds["quantized_whole"].quantize = true;
  kinds["quantized_whole"].quantize_cutoff = 0;
  return kinds;
}

// Each kind trained once and saved; the bytes are what the tests patch.
class ModelFiles {
 public:
  ModelFiles() {
    for (const auto& [name, options] : model_kinds()) {
      auto classifier = std::make_unique<FastTextClassifier>(options);
      classifier->train(toy_split(), {});
      classifier->save(dir_ / (name + ".bin"));
      bytes_[name] = test::read_text(dir_ / (name + ".bin"));
      classifiers_[name] = std::move(classifier);
    }
  }
  const std::string& bytes(const std::string& name) const { return bytes_.at(name); }
  const FastTextClassifier& classifier(const std::string& name) const { return *classifiers_.at(name); }
  std::filesystem::path path(const std::string& name) const { return dir_ / (name + ".bin"); }

 private:
  test::TempDir dir_;
  std::map<std::string, std::string> bytes_;
  std::map<std::string, std::unique_ptr<FastTextClassifier>> classifiers_;
};

const ModelFiles& models() {
  static const ModelFiles files;
  return files;
}

template <typename Value>
std::string patched(std::string bytes, std::size_t offset, Value value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
  return bytes;
}

template <typename Value>
Value value_at(const std::string& bytes, std::size_t offset) {
  Value value{};
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// An istream over a string without copying it, for checks at thousands of truncation points.
class ViewBuffer : public std::streambuf {
 public:
  ViewBuffer(const std::string& bytes, std::size_t size) {
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + size);
  }

 protected:
  pos_type seekoff(off_type offset, std::ios::seekdir direction, std::ios::openmode) override {
    char* base = direction == std::ios::beg ? eback() : direction == std::ios::cur ? gptr() : egptr();
    if (offset < eback() - base || offset > egptr() - base) return pos_type(off_type(-1));
    setg(eback(), base + offset, egptr());
    return pos_type(gptr() - eback());
  }
  pos_type seekpos(pos_type position, std::ios::openmode mode) override {
    return seekoff(off_type(position), std::ios::beg, mode);
  }
};

// The check's error for `bytes` as the file "crafted.bin" (through the istream overload).
core::Error check_error(const std::string& bytes) {
  ViewBuffer buffer(bytes, bytes.size());
  std::istream in(&buffer);
  return test::expect_error([&] { check_fasttext_file(in, bytes.size(), "crafted.bin"); });
}

// Writes `bytes` to a file and expects both the check and FastTextClassifier::load to refuse it
// with Error{bad_input} "<file>: <message>" (the load through fastText itself crashed before).
std::string refused_message(const std::string& bytes) {
  test::TempDir dir;
  const auto file = dir / "crafted.bin";
  test::write_text(file, bytes);
  const core::Error checked = test::expect_error([&] { check_fasttext_file(file); });
  EXPECT_EQ(checked.kind(), ErrorKind::bad_input) << checked.what();
  FastTextClassifier classifier;
  const core::Error loaded = test::expect_error([&] { classifier.load(file); });
  EXPECT_EQ(loaded.kind(), ErrorKind::bad_input) << loaded.what();
  EXPECT_THAT(loaded.what(), StartsWith(file.string() + ": ")) << loaded.what();
  EXPECT_EQ(std::string(loaded.what()), checked.what());
  return loaded.message();
}

}  // namespace

TEST(FastTextFileCheck, EveryKindOfModelPassesAndLoadsAsSaved) {
  for (const auto& [name, options] : model_kinds()) {
    EXPECT_NO_THROW(check_fasttext_file(models().path(name))) << name;
    FastTextClassifier loaded;
    loaded.load(models().path(name));
    EXPECT_EQ(loaded.options().buckets, value_at<std::int32_t>(models().bytes(name), kBucketAt)) << name;
    EXPECT_EQ(loaded.options().quantize, options.quantize) << name;
    for (const char* text : {"good great film", "bad boring", "words never seen"}) {
      EXPECT_EQ(loaded.probabilities(text), models().classifier(name).probabilities(text)) << name << ": " << text;
    }
  }
  // The kinds differ where the check looks: no buckets, a pruned dictionary, an unpruned one.
  EXPECT_EQ(value_at<std::int32_t>(models().bytes("unigrams"), kBucketAt), 0);
  EXPECT_GT(value_at<std::int64_t>(models().bytes("quantized_pruned"), kPrunedBucketsAt), 0);
  EXPECT_EQ(value_at<std::int64_t>(models().bytes("quantized_whole"), kPrunedBucketsAt), -1);
}

TEST(FastTextFileCheck, HugeOrNegativeBucketCountIsRefusedNamingTheField) {
  const std::string& bytes = models().bytes("bigrams");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kBucketAt, 0x7fffffff)),
            "corrupt fastText model: bucket count 2147483647 (must be between 0 and 1000000000)");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kBucketAt, -1)),
            "corrupt fastText model: bucket count -1 (must be between 0 and 1000000000)");
  // Within bounds but not the matrix's: the input matrix has a row per word and bucket.
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, kBucketAt, 501)),
              HasSubstr("corrupt fastText model: input matrix has "));
  // No buckets with bigrams would divide by zero when fastText hashes them.
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, kBucketAt, 0)),
              HasSubstr("bucket count 0 with word or character n-grams (wordNgrams 2, maxn 0; must be at least 1)"));
}

TEST(FastTextFileCheck, HugeWordCountIsRefused) {
  const std::string& bytes = models().bytes("bigrams");
  const auto size = value_at<std::int32_t>(bytes, kDictionarySizeAt);
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kWordCountAt, 0x7fffffff)),
            "corrupt fastText model: word count (nwords) 2147483647 (must be between 0 and " + std::to_string(size) +
                ")");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kDictionarySizeAt, 0x7fffffff)),
            "corrupt fastText model: dictionary size 2147483647 (must be between 1 and 30000000)");
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, kWordCountAt, 1)),
              HasSubstr("corrupt fastText model: word count 1 + label count 2 != dictionary size"));
  EXPECT_EQ(refused_message(patched<std::int64_t>(bytes, kTokenCountAt, -7)),
            "corrupt fastText model: token count (ntokens) -7 (must be at least 0)");
}

TEST(FastTextFileCheck, DimensionOutsideItsBoundsOrTheMatricesIsRefused) {
  const std::string& bytes = models().bytes("bigrams");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kDimensionAt, 0)),
            "corrupt fastText model: dimension (dim) 0 (must be between 1 and 10000)");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kDimensionAt, 0x7fffffff)),
            "corrupt fastText model: dimension (dim) 2147483647 (must be between 1 and 10000)");
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, kDimensionAt, 9)),
              HasSubstr("corrupt fastText model: input matrix has 8 columns (must be the dimension 9)"));
}

TEST(FastTextFileCheck, TrailingBytesAreRefused) {
  const std::string& bytes = models().bytes("quantized_pruned");
  EXPECT_EQ(refused_message(bytes + "x"), "corrupt fastText model: 1 trailing bytes after the model's end at byte " +
                                              std::to_string(bytes.size()));
  EXPECT_THAT(refused_message(models().bytes("bigrams") + std::string(4096, '\0')), HasSubstr("4096 trailing bytes"));
}

TEST(FastTextFileCheck, WrongMagicOrVersionIsNotAFastTextModel) {
  const std::string& bytes = models().bytes("unigrams");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, 0, 793712315)),
            "not a fastText model (wrong file format: no fastText magic number)");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kVersionAt, 13)),
            "unsupported fastText model version 13 (fastText 0.9.2 reads versions 11 and 12)");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, kVersionAt, -1)),
            "unsupported fastText model version -1 (fastText 0.9.2 reads versions 11 and 12)");
  EXPECT_EQ(refused_message(bytes.substr(0, 6)), "not a fastText model (6 bytes, shorter than fastText's 8-byte header)");
  EXPECT_EQ(refused_message(""), "not a fastText model (0 bytes, shorter than fastText's 8-byte header)");
  // Version 11 is the same layout (fastText 0.9.2 loads it, ignoring maxn of supervised models).
  test::TempDir dir;
  test::write_text(dir / "old.bin", patched<std::int32_t>(bytes, kVersionAt, 11));
  FastTextClassifier loaded;
  loaded.load(dir / "old.bin");
  EXPECT_EQ(loaded.probabilities("good great"), models().classifier("unigrams").probabilities("good great"));
}

TEST(FastTextFileCheck, EntriesMustBeWordsThenLabels) {
  const std::string& bytes = models().bytes("unigrams");
  // The first entry's word ends at its NUL; the count and the type byte follow.
  const std::size_t type_at = bytes.find('\0', kFirstEntryAt) + 1 + 8;
  EXPECT_EQ(refused_message(patched<std::int8_t>(bytes, type_at, 1)),
            "corrupt fastText model: dictionary entry 0 has type 1 (must be 0: entries 0 to nwords-1 are words (0), "
            "the rest labels (1))");
  EXPECT_EQ(refused_message(patched<std::int64_t>(bytes, type_at - 8, -3)),
            "corrupt fastText model: dictionary entry 0's count -3 (must be at least 0)");
}

TEST(FastTextFileCheck, FlagsAndPruningMustMatchTheMatrices) {
  const std::string& dense = models().bytes("unigrams");
  // A dense model's quant_input flag follows the dictionary; its input matrix rows are nwords.
  const auto nwords = value_at<std::int32_t>(dense, kWordCountAt);
  const auto nlabels = value_at<std::int32_t>(dense, kWordCountAt + 4);
  const std::size_t output_bytes = 16 + static_cast<std::size_t>(nlabels) * 8 * 4;
  const std::size_t input_bytes = 16 + static_cast<std::size_t>(nwords) * 8 * 4;
  const std::size_t quant_flag_at = dense.size() - output_bytes - 1 - input_bytes - 1;
  ASSERT_EQ(value_at<std::int64_t>(dense, quant_flag_at + 1), nwords);  // the input matrix's rows
  EXPECT_EQ(refused_message(patched<std::uint8_t>(dense, quant_flag_at, 2)),
            "corrupt fastText model: the quantised input flag (quant_input) 2 (must be 0 or 1)");
  EXPECT_EQ(refused_message(patched<std::uint8_t>(dense, dense.size() - output_bytes - 1, 7)),
            "corrupt fastText model: the quantised output flag (qout) 7 (must be 0 or 1)");
  EXPECT_EQ(refused_message(patched<std::int64_t>(dense, quant_flag_at + 1, nwords + 1)),
            "corrupt fastText model: input matrix has " + std::to_string(nwords + 1) + " rows (must be " +
                std::to_string(nwords) + " for the dictionary and bucket counts)");
  // fastText prunes only quantised models; a dense input with a pruned dictionary it refuses
  // only after reading every byte.
  EXPECT_THAT(refused_message(patched<std::int64_t>(models().bytes("bigrams"), kPrunedBucketsAt, 0)),
              HasSubstr("a pruned dictionary (pruneidx_size 0) with a dense input matrix"));
  EXPECT_EQ(refused_message(patched<std::int64_t>(dense, kPrunedBucketsAt, 1)),
            "corrupt fastText model: pruned bucket count (pruneidx_size) 1 (must be between -1 and 0)");
}

TEST(FastTextFileCheck, EveryTruncationIsRefusedNamingTheFile) {
  for (const auto& [name, options] : model_kinds()) {
    const std::string& bytes = models().bytes(name);
    // Every cut through the header and dictionary, then one every 37 bytes through the matrices.
    for (std::size_t keep = 0; keep < bytes.size(); keep += keep < 2000 ? 1 : 37) {
      const core::Error error = check_error(bytes.substr(0, keep));
      ASSERT_EQ(error.kind(), ErrorKind::bad_input) << name << " cut at " << keep;
      ASSERT_THAT(error.what(), StartsWith("crafted.bin: ")) << name << " cut at " << keep;
      if (keep >= 8) {
        ASSERT_THAT(error.what(), HasSubstr("truncated fastText model: ")) << name << " " << keep;
      }
    }
  }
  // Through the file: the last byte missing, and a size that says more than the stream holds.
  const std::string& bytes = models().bytes("bigrams");
  EXPECT_THAT(refused_message(bytes.substr(0, bytes.size() - 1)),
              HasSubstr("truncated fastText model: the output matrix's numbers needs "));
  ViewBuffer short_buffer(bytes, bytes.size() / 2);
  std::istream in(&short_buffer);
  const core::Error error = test::expect_error([&] { check_fasttext_file(in, bytes.size(), "lying.bin"); });
  EXPECT_THAT(error.what(), HasSubstr("lying.bin: truncated fastText model: the file ends at byte "));
}

TEST(FastTextFileCheck, QuantizedModelFieldsAreChecked) {
  const std::string& bytes = models().bytes("quantized_pruned");
  const auto pruned = value_at<std::int64_t>(bytes, kPrunedBucketsAt);
  // The prune index is the last part of the dictionary, just before the quant_input flag.
  std::size_t offset = kFirstEntryAt;
  for (std::int32_t entry = 0; entry < value_at<std::int32_t>(bytes, kDictionarySizeAt); ++entry) {
    offset = bytes.find('\0', offset) + 1 + 8 + 1;
  }
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, offset, 500)),
            "corrupt fastText model: pruned bucket pair 0's bucket 500 (must be between 0 and 499)");
  EXPECT_EQ(refused_message(patched<std::int32_t>(bytes, offset + 4, static_cast<std::int32_t>(pruned))),
            "corrupt fastText model: pruned bucket pair 0's row " + std::to_string(pruned) +
                " (must be between 0 and " + std::to_string(pruned - 1) + ")");
  const std::size_t quantized_at = offset + static_cast<std::size_t>(pruned) * 8;
  ASSERT_EQ(bytes[quantized_at], 1);
  // qnorm, rows, columns, then the code count (rows x sub-vectors).
  const auto rows = value_at<std::int64_t>(bytes, quantized_at + 2);
  const std::size_t codes_at = quantized_at + 2 + 16;
  EXPECT_EQ(value_at<std::int32_t>(bytes, codes_at), rows * 4);  // dimension 8 in sub-vectors of 2
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, codes_at, -1)),
              HasSubstr("input matrix's code count (codesize) -1 (must be at least 0)"));
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, codes_at, 0x7fffffff)),
              HasSubstr("truncated fastText model: the input matrix's codes needs 2147483647 bytes"));
  // The product quantiser follows the codes: its dimension, sub-vector count and size.
  const std::size_t quantizer_at = codes_at + 4 + static_cast<std::size_t>(rows * 4);
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, quantizer_at + 8, 0)),
              HasSubstr("input matrix's product quantiser's sub-vector size (dsub) 0 (must be between 1 and 8)"));
  EXPECT_THAT(refused_message(patched<std::int32_t>(bytes, quantizer_at + 4, 5)),
              HasSubstr("input matrix's product quantiser's sub-vector count (nsubq) 5 (must be between 4 and 4)"));
}

TEST(FastTextFileCheck, FolderAndFifoAreRefusedWithoutBlocking) {
  test::TempDir dir;
  core::Error error = test::expect_error([&] { check_fasttext_file(dir.path()); });
  EXPECT_EQ(error.kind(), ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), dir.path().string() + ": a folder, not a model file");
  ASSERT_EQ(::mkfifo((dir / "pipe.bin").c_str(), 0600), 0);
  FastTextClassifier classifier;
  error = test::expect_error([&] { classifier.load(dir / "pipe.bin"); });
  EXPECT_EQ(error.kind(), ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("pipe.bin: not a regular file"));
  EXPECT_EQ(test::expect_error([] { check_fasttext_file("/nonexistent/model.bin"); }).kind(), ErrorKind::io);
}

// A small fuzz run in the suite (the libFuzzer target runs longer): random bytes overwritten in
// real models are refused as bad input, or pass the check and then load and predict without
// crashing the process.
TEST(FastTextFileCheck, MutatedModelsAreRefusedOrLoadSafely) {
  std::mt19937_64 random(13);
  test::TempDir dir;
  int refused = 0;
  int loaded = 0;
  for (const char* name : {"unigrams", "subwords", "quantized_pruned"}) {
    const std::string& original = models().bytes(name);
    // Most mutations go into the header and dictionary, where the structure is.
    const std::size_t structure = std::min<std::size_t>(original.size(), 600);
    for (int round = 0; round < 400; ++round) {
      std::string bytes = original;
      const int changes = 1 + static_cast<int>(random() % 4);
      for (int change = 0; change < changes; ++change) {
        const std::size_t span = random() % 4 == 0 ? bytes.size() : structure;
        bytes[random() % span] = static_cast<char>(random() % 4 == 0 ? 0xff : random() % 256);
      }
      try {
        std::istringstream in(bytes);
        check_fasttext_file(in, bytes.size(), "mutated.bin");
      } catch (const core::Error& error) {
        ASSERT_EQ(error.kind(), ErrorKind::bad_input) << error.what();
        ++refused;
        continue;
      }
      test::write_text(dir / "mutated.bin", bytes);
      FastTextClassifier classifier;
      try {
        classifier.load(dir / "mutated.bin");
      } catch (const core::Error& error) {
        ASSERT_EQ(error.kind(), ErrorKind::bad_input) << error.what();
        continue;
      }
      (void)classifier.sentence_vector("bad boring");
      ++loaded;
      try {
        (void)classifier.probabilities("good great film with new words");
      } catch (const core::Error& error) {
        // Weights the check skips can be NaN: fastText's NaN error becomes bad input.
        ASSERT_EQ(std::string(error.what()), (dir / "mutated.bin").string() +
                                                 ": corrupt fastText model: its weights give NaN scores");
      }
    }
  }
  EXPECT_GT(refused, 100);
  EXPECT_GT(loaded, 100);
}
