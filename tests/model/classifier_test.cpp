#include "blindspot/model/classifier.hpp"

#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>

#include <sys/stat.h>

using namespace blindspot;

namespace {

// A classifier whose probabilities are a function of the text's length, to test the default
// predict_batch without fastText.
class LengthClassifier final : public model::Classifier {
 public:
  std::string kind() const override { return "length"; }
  std::string options_json() const override { return "{}"; }
  void train(const data::Split&, const core::ProgressCallback&) override {}
  const data::LabelSet& labels() const override { return labels_; }
  model::Probabilities probabilities(std::string_view text) const override {
    if (text == "fail") throw std::runtime_error("cannot predict \"fail\"");
    const double share = static_cast<double>(text.size() % 10) / 10.0;
    return {share, 1.0 - share};
  }
  std::vector<float> sentence_vector(std::string_view) const override { return {}; }
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}

 private:
  data::LabelSet labels_;
};

}  // namespace

TEST(Classifier, ArgmaxPicksTheFirstLargest) {
  EXPECT_EQ(model::argmax({0.1, 0.7, 0.2}), 1);
  EXPECT_EQ(model::argmax({0.4, 0.2, 0.4}), 0);
  EXPECT_EQ(model::argmax({0.0, 0.0, 1.0}), 2);
  EXPECT_EQ(model::argmax({1.0}), 0);
}

TEST(Classifier, DefaultPredictBatchKeepsOrderOnAnyThreadCount) {
  std::vector<std::string> texts;
  for (int i = 0; i < 101; ++i) texts.push_back(std::string(static_cast<std::size_t>(i), 'x'));
  const LengthClassifier classifier;
  for (int threads : {0, 1, 2, 7}) {
    const auto batch = classifier.predict_batch(texts, threads);
    ASSERT_EQ(batch.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(batch[i], classifier.probabilities(texts[i]));
  }
}

TEST(Classifier, DefaultPredictBatchRethrowsOnTheCaller) {
  const LengthClassifier classifier;
  EXPECT_THROW(classifier.predict_batch({"a", "b", "fail", "c"}, 2), std::runtime_error);
  EXPECT_TRUE(classifier.predict_batch({}, 2).empty());
}

TEST(Classifier, LoadClassifierRejectsUnknownFormats) {
  test::TempDir dir;
  for (const std::string& content : {std::string(), std::string("ab"), std::string("{\"kind\": \"other\"}")}) {
    test::write_text(dir / "model.bin", content);
    const core::Error error = test::expect_error([&] { model::load_classifier(dir / "model.bin"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
    EXPECT_EQ(std::string(error.what()), (dir / "model.bin").string() + ": not a blindspot model (unknown file format)");
  }
}

TEST(Classifier, LoadClassifierRefusesAFifoAtOnceInsteadOfWaitingForAWriter) {
  test::TempDir dir;
  const auto fifo = dir / "model.bin";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Before the check, opening the FIFO blocked until a writer came: run it on a thread with a deadline.
  auto result = std::async(std::launch::async, [&] { return test::expect_error([&] { model::load_classifier(fifo); }); });
  ASSERT_EQ(result.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "load_classifier blocked on a FIFO";
  const core::Error error = result.get();
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_NE(std::string(error.what()).find(fifo.string()), std::string::npos) << error.what();
}
