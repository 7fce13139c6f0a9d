// End-to-end: a real fastText model trained here on sst2 and attacked with both recipes.

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/adversarial_uus.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/discover/attack/wordnet.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using discover::AttackOutcome;

namespace {

// Trained once for the suite: 1 thread makes fastText deterministic, so the attacks below
// are reproducible to the character.
const model::FastTextClassifier& sst2_model() {
  static const auto trained = [] {
    auto model = std::make_unique<model::FastTextClassifier>();
    model->train(data::read_training_split(test::shared_data("sst2") / "train.csv", std::nullopt), {});
    return model;
  }();
  return *trained;
}

data::Split sst2_dev() { return data::read_split(test::shared_data("sst2") / "dev.csv", sst2_model().labels()); }

TEST(EndToEnd, DeepWordBugFlipsAKnownReviewConfidently) {
  const auto& model = sst2_model();
  const std::string text = "... a magnificent drama well worth tracking down .";  // sst2 dev, line 729
  const int positive = *model.labels().index_of("positive");
  ASSERT_EQ(model::argmax(model.probabilities(text)), positive);
  const auto result =
      discover::attack_text(model, discover::DeepWordBugRecipe(), text, positive, discover::AttackOptions{}, 5);
  EXPECT_EQ(result.outcome, AttackOutcome::succeeded);
  EXPECT_NE(result.final_label, positive);
  EXPECT_GE(result.final_confidence, 0.65);
  EXPECT_EQ(model.probabilities(result.perturbed_text), result.final_probabilities);
  EXPECT_FALSE(result.edits.empty());
  EXPECT_LE(result.levenshtein, 30u);
  EXPECT_NE(result.perturbed_text, text);
  EXPECT_EQ(discover::mark_original(text, result.edits).find("[[a]]"), std::string::npos);  // a stopword
}

TEST(EndToEnd, FirstFlipNeedsNoMoreEditsThanConfident) {
  const auto& model = sst2_model();
  const auto dev = sst2_dev();
  discover::AttackOptions options;
  options.max_examples = 60;
  options.seed = 5;
  options.threads = 2;
  const discover::DeepWordBugRecipe recipe;
  const auto confident = discover::attack_split(model, recipe, dev, options);
  options.goal = discover::AttackGoal::first_flip;
  const auto first_flip = discover::attack_split(model, recipe, dev, options);
  const auto confident_summary = discover::summarise(confident);
  const auto first_flip_summary = discover::summarise(first_flip);
  EXPECT_EQ(confident_summary.attacked, first_flip_summary.attacked);
  EXPECT_GT(confident_summary.attacked, 40u);  // sst2 dev accuracy is about 0.8
  // On short sentences a word-level model is easy to flip; keeping on past the flip finds
  // at least as many confident flips.
  EXPECT_GE(confident_summary.succeeded, first_flip_summary.succeeded);
  EXPECT_GT(confident_summary.success_rate, 0.5);
  for (std::size_t i = 0; i < confident.results.size(); ++i) {
    EXPECT_GE(confident.results[i].edits.size(), first_flip.results[i].edits.size());
  }
}

TEST(EndToEnd, WordNetSynonymsAlsoFlipSomeReviews) {
  const auto& model = sst2_model();
  discover::AdversarialUuOptions options;
  options.recipe = "wordnet";
  options.sample_size = 40;
  options.attack.seed = 2;
  const auto metric = discover::measure_adversarial_uus(model, sst2_dev(), options);
  EXPECT_EQ(metric.recipe, "wordnet");
  EXPECT_EQ(metric.sampled, 40u);
  EXPECT_GT(metric.uus, 0u);
  for (const auto& result : metric.run.results) {
    for (const auto& edit : result.edits) EXPECT_EQ(edit.operation, discover::EditOperation::synonym);
  }
}

}  // namespace
