#include "blindspot/discover/attack/adversarial_uus.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"

#include "lexicon_classifier.hpp"
#include "printers.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace blindspot;
using discover::AttackOutcome;
using test::LexiconClassifier;

namespace {

const std::vector<std::string> kPositiveWords = {"good",   "great",  "superb", "fine",
                                                 "lovely", "moving", "funny",  "smart"};
const std::vector<std::string> kNegativeWords = {"bad", "awful", "dull", "boring", "weak", "silly", "poor", "messy"};
const std::vector<std::string> kNeutralWords = {"film", "plot", "actor", "scene", "music", "story", "ending", "cast"};

LexiconClassifier sentiment_model() {
  std::map<std::string, double> weights;
  for (std::size_t i = 0; i < kPositiveWords.size(); ++i)
    weights[kPositiveWords[i]] = 0.4 + 0.15 * static_cast<double>(i);
  for (std::size_t i = 0; i < kNegativeWords.size(); ++i)
    weights[kNegativeWords[i]] = -0.4 - 0.15 * static_cast<double>(i);
  return LexiconClassifier(weights, 0.0);
}

// 60 reviews of 4-12 words mixing sentiment and neutral words, labelled by their majority
// sentiment; some are misclassified by the lexicon, some flip easily, some resist.
data::Split review_split() {
  data::Split split;
  split.name = "dev";
  split.file = "dev.csv";
  split.labels = data::LabelSet({"negative", "positive"});
  core::Rng rng(2024);
  for (int row = 0; row < 60; ++row) {
    const std::size_t length = 4 + rng.below(9);
    std::string text;
    int balance = 0;
    for (std::size_t i = 0; i < length; ++i) {
      const std::uint64_t kind = rng.below(3);
      const auto& pool = kind == 0 ? kPositiveWords : kind == 1 ? kNegativeWords : kNeutralWords;
      if (kind == 0) ++balance;
      if (kind == 1) --balance;
      text += (i == 0 ? "" : i % 3 == 0 ? ", the " : " ") + pool[rng.below(pool.size())];
    }
    split.examples.push_back({text + ".", balance >= 0 ? 1 : 0, row + 2});
  }
  return split;
}

TEST(SampleRows, SeededDistinctSortedAndIndependentOfAnythingElse) {
  const auto sample = discover::sample_rows(1000, 200, 5);
  ASSERT_EQ(sample.size(), 200u);
  EXPECT_TRUE(std::is_sorted(sample.begin(), sample.end()));
  EXPECT_EQ(std::set<std::size_t>(sample.begin(), sample.end()).size(), 200u);
  EXPECT_LT(sample.back(), 1000u);
  EXPECT_EQ(discover::sample_rows(1000, 200, 5), sample);
  EXPECT_NE(discover::sample_rows(1000, 200, 6), sample);
  EXPECT_EQ(discover::sample_rows(3, 0, 5), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(discover::sample_rows(3, 10, 5), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_TRUE(discover::sample_rows(0, 10, 5).empty());
}

TEST(AttackSplit, SameSeedSameResultsWhateverTheThreadCount) {
  const auto model = sentiment_model();
  const auto split = review_split();
  const discover::DeepWordBugRecipe recipe;
  discover::AttackOptions options;
  options.seed = 77;
  options.threads = 1;
  const auto one = discover::attack_split(model, recipe, split, options);
  options.threads = 2;
  const auto two = discover::attack_split(model, recipe, split, options);
  options.threads = 4;
  const auto four = discover::attack_split(model, recipe, split, options);
  ASSERT_EQ(one.results.size(), 60u);
  EXPECT_EQ(one.results, two.results);
  EXPECT_EQ(one.results, four.results);

  // The split exercises every outcome but "budget_exhausted" (short texts), so the comparison is not vacuous.
  const auto summary = discover::summarise(one);
  EXPECT_GT(summary.skipped, 0u);
  EXPECT_GT(summary.succeeded, 0u);
  EXPECT_GT(summary.no_more_words + summary.flipped_below_threshold, 0u);

  options.seed = 78;
  const auto other = discover::attack_split(model, recipe, split, options);
  EXPECT_NE(one.results, other.results);
}

TEST(AttackSplit, RowsLinesAndSummary) {
  const auto model = sentiment_model();
  const auto split = review_split();
  discover::AttackOptions options;
  options.max_examples = 20;
  options.seed = 3;
  const auto run = discover::attack_split(model, discover::DeepWordBugRecipe(), split, options);
  EXPECT_EQ(run.recipe, "deepwordbug");
  ASSERT_EQ(run.results.size(), 20u);
  const auto rows = discover::sample_rows(60, 20, 3);
  std::size_t attacked = 0;
  std::size_t succeeded = 0;
  std::size_t queries = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& result = run.results[i];
    EXPECT_EQ(result.row, rows[i]);
    EXPECT_EQ(result.line, static_cast<std::int64_t>(rows[i]) + 2);
    EXPECT_EQ(result.true_label, split.examples[rows[i]].label);
    if (result.attacked()) {
      ++attacked;
      queries += result.queries;
      if (result.is_uu()) ++succeeded;
    }
  }
  const auto summary = discover::summarise(run);
  EXPECT_EQ(summary.examples, 20u);
  EXPECT_EQ(summary.attacked, attacked);
  EXPECT_EQ(summary.skipped, 20u - attacked);
  EXPECT_EQ(summary.succeeded, succeeded);
  EXPECT_EQ(summary.succeeded + summary.flipped_below_threshold + summary.budget_exhausted + summary.no_more_words,
            attacked);
  EXPECT_DOUBLE_EQ(summary.mean_queries, static_cast<double>(queries) / static_cast<double>(attacked));
  EXPECT_DOUBLE_EQ(summary.success_rate, static_cast<double>(succeeded) / static_cast<double>(attacked));
}

TEST(AttackSplit, ProgressReachesOne) {
  const auto model = sentiment_model();
  const auto split = review_split();
  discover::AttackOptions options;
  options.threads = 2;
  std::vector<double> fractions;
  discover::attack_split(model, discover::DeepWordBugRecipe(), split, options,
                         [&](std::string_view stage, double fraction) {
                           EXPECT_EQ(stage, "attacking dev");
                           fractions.push_back(fraction);
                         });
  ASSERT_EQ(fractions.size(), 60u);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
}

TEST(AttackSplit, LabelSetMismatchIsBadInput) {
  const auto model = sentiment_model();
  auto split = review_split();
  split.labels = data::LabelSet({"ham", "spam"});
  const auto error = test::expect_error(
      [&] { discover::attack_split(model, discover::DeepWordBugRecipe(), split, discover::AttackOptions{}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(),
              ::testing::HasSubstr("labels of the data (ham, spam) differ from the model's (negative, positive)"));
}

TEST(AdversarialUuMetric, AttacksTheCorrectOnesOfAFixedSample) {
  const auto model = sentiment_model();
  const auto split = review_split();
  discover::AdversarialUuOptions options;
  options.sample_size = 30;
  options.attack.seed = 9;
  const auto metric = discover::measure_adversarial_uus(model, split, options);
  EXPECT_EQ(metric.recipe, "deepwordbug");
  EXPECT_EQ(metric.sampled, 30u);
  const auto rows = discover::sample_rows(60, 30, 9);
  std::size_t correct = 0;
  for (std::size_t row : rows) {
    const auto p = model.probabilities(split.examples[row].text);
    if (model::argmax(p) == split.examples[row].label) ++correct;
  }
  EXPECT_EQ(metric.attacked, correct);
  EXPECT_EQ(metric.uus, discover::summarise(metric.run).succeeded);
  EXPECT_DOUBLE_EQ(metric.rate, static_cast<double>(metric.uus) / static_cast<double>(metric.attacked));

  // A model that is right on fewer rows is attacked on a subset of the same rows.
  const LexiconClassifier weaker({{"good", 0.5}}, -0.1);
  const auto other = discover::measure_adversarial_uus(weaker, split, options);
  for (const auto& result : other.run.results) {
    EXPECT_TRUE(std::binary_search(rows.begin(), rows.end(), result.row));
  }
  options.sample_size = 0;
  const auto none = discover::measure_adversarial_uus(model, split, options);
  EXPECT_EQ(none.attacked, 0u);
  EXPECT_TRUE(std::isnan(none.rate));
}

}  // namespace
