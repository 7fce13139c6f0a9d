// fastText on the shared datasets (../shared/data): the accuracy floors and file-level
// guarantees of the issue. ctest runs every TEST in a process of its own, so each model is
// trained inside the one TEST that needs it, and the imdb checks share a single TEST to
// train imdb once.

#include "blindspot/core/sha256.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <numeric>

using namespace blindspot;
using model::FastTextClassifier;
using model::FastTextOptions;

namespace {

struct Dataset {
  data::Split train;
  data::Split test;
};

Dataset read_dataset(const std::string& name) {
  Dataset dataset;
  dataset.train = data::read_training_split(test::shared_data(name) / "train.csv", std::nullopt);
  dataset.test = data::read_split(test::shared_data(name) / "test.csv", dataset.train.labels);
  return dataset;
}

std::vector<std::string> texts_of(const data::Split& split, std::size_t limit = SIZE_MAX) {
  std::vector<std::string> texts;
  for (const auto& example : split.examples) {
    if (texts.size() == limit) break;
    texts.push_back(example.text);
  }
  return texts;
}

double accuracy(const model::Classifier& classifier, const data::Split& split) {
  const auto predictions = classifier.predict_batch(texts_of(split), 0);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (model::argmax(predictions[i]) == split.examples[i].label) ++correct;
  }
  return static_cast<double>(correct) / static_cast<double>(split.examples.size());
}

// The floor is 0.86; with the default options and one thread imdb reaches 0.873.
constexpr double kImdbAccuracyFloor = 0.86;
// Measured 0.806 on sst2 test with the default options and one thread.
constexpr double kSst2AccuracyFloor = 0.78;

}  // namespace

TEST(FastTextImdb, TrainedModelIsAccurateOrderedAndRoundTrips) {
  const Dataset imdb = read_dataset("imdb");
  FastTextClassifier classifier;  // defaults: one thread, deterministic
  classifier.train(imdb.train, {});

  EXPECT_GE(accuracy(classifier, imdb.test), kImdbAccuracyFloor);

  SCOPED_TRACE("probabilities follow the LabelSet order and sum to 1");
  ASSERT_EQ(classifier.labels(), data::LabelSet({"negative", "positive"}));
  const auto positive =
      classifier.probabilities("A wonderful film with brilliant acting and a great story. I loved every minute of it!");
  const auto negative =
      classifier.probabilities("The worst movie I have ever seen: boring, stupid and awful. A waste of time.");
  EXPECT_GT(positive[1], 0.9);
  EXPECT_GT(negative[0], 0.9);
  EXPECT_NEAR(std::accumulate(positive.begin(), positive.end(), 0.0), 1.0, 1e-12);
  EXPECT_NEAR(std::accumulate(negative.begin(), negative.end(), 0.0), 1.0, 1e-12);

  SCOPED_TRACE("predict_batch equals sequential probabilities");
  const std::vector<std::string> texts = texts_of(imdb.test, 400);
  std::vector<model::Probabilities> sequential;
  for (const auto& text : texts) sequential.push_back(classifier.probabilities(text));
  EXPECT_EQ(classifier.predict_batch(texts, 1), sequential);
  EXPECT_EQ(classifier.predict_batch(texts, 2), sequential);

  SCOPED_TRACE("save/load round trip");
  test::TempDir dir;
  classifier.save(dir / "imdb.bin");
  const auto loaded = model::load_classifier(dir / "imdb.bin");
  EXPECT_EQ(loaded->labels(), classifier.labels());
  EXPECT_EQ(loaded->predict_batch(texts, 2), sequential);
}

TEST(FastTextSst2, IsAccurateAndSingleThreadRetrainingIsByteIdentical) {
  const Dataset sst2 = read_dataset("sst2");
  test::TempDir dir;
  for (const char* name : {"first.bin", "second.bin"}) {
    FastTextClassifier classifier;
    classifier.train(sst2.train, {});
    classifier.save(dir / name);
    EXPECT_GE(accuracy(classifier, sst2.test), kSst2AccuracyFloor) << name;
  }
  EXPECT_EQ(core::sha256_file(dir / "first.bin"), core::sha256_file(dir / "second.bin"));
}

TEST(FastTextSst2, QuantizedModelIsSmallerLoadsAndKeepsAccuracy) {
  const Dataset sst2 = read_dataset("sst2");
  test::TempDir dir;
  FastTextClassifier plain;
  plain.train(sst2.train, {});
  plain.save(dir / "plain.bin");
  FastTextOptions options;
  options.quantize = true;
  FastTextClassifier quantized(options);
  quantized.train(sst2.train, {});
  quantized.save(dir / "quantized.ftz");

  EXPECT_LT(std::filesystem::file_size(dir / "quantized.ftz") * 10, std::filesystem::file_size(dir / "plain.bin"));
  const auto loaded = model::load_classifier(dir / "quantized.ftz");
  const auto& loaded_fasttext = dynamic_cast<const FastTextClassifier&>(*loaded);
  EXPECT_TRUE(loaded_fasttext.options().quantize);
  EXPECT_EQ(loaded->probabilities("a gorgeous , witty film"), quantized.probabilities("a gorgeous , witty film"));
  // Measured: 0.8061 plain, 0.7974 quantised (default cutoff of 20,000 rows); both runs are deterministic.
  EXPECT_NEAR(accuracy(*loaded, sst2.test), accuracy(plain, sst2.test), 0.01);
}
