#include "blindspot/core/edit_distance.hpp"
#include "blindspot/discover/attack/attack.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/discover/attack/words.hpp"

#include "lexicon_classifier.hpp"
#include "printers.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

using namespace blindspot;
using discover::AttackGoal;
using discover::AttackOutcome;
using test::LexiconClassifier;
using test::sigmoid;

namespace {

constexpr int kPositive = 1;
constexpr std::uint64_t kSeed = 11;

// good 1.0 > fine 0.8 > great 0.5 > nice 0.4 (film 0): p(positive) starts at sigmoid(1.7).
// Editing good and fine flips the prediction to negative with only sigmoid(0.1) = 0.525; two
// more edits are needed to reach sigmoid(1.0) = 0.731 >= 0.65.
LexiconClassifier graded_model() {
  return LexiconClassifier({{"good", 1.0}, {"fine", 0.8}, {"great", 0.5}, {"nice", 0.4}}, -1.0);
}
const std::string kGradedText = "good great nice fine film";

std::vector<std::string> edited_words(const discover::AttackResult& result) {
  std::vector<std::string> words;
  for (const auto& edit : result.edits) words.push_back(edit.original);
  return words;
}

discover::AttackResult attack(const model::Classifier& model, std::string_view text,
                              const discover::AttackOptions& options) {
  return discover::attack_text(model, discover::DeepWordBugRecipe(), text, kPositive, options, kSeed);
}

TEST(GreedySearch, ConfidentGoalKeepsEditingPastTheFlipUntilTau) {
  const auto model = graded_model();
  const auto result = attack(model, kGradedText, {});
  EXPECT_EQ(result.outcome, AttackOutcome::succeeded);
  EXPECT_TRUE(result.is_uu());
  EXPECT_EQ(edited_words(result), (std::vector<std::string>{"good", "fine", "great", "nice"}));
  EXPECT_EQ(result.final_label, 0);
  EXPECT_NEAR(result.final_confidence, sigmoid(1.0), 1e-12);
  EXPECT_NEAR(result.original_probabilities[1], sigmoid(1.7), 1e-12);
  EXPECT_EQ(result.true_label, kPositive);
}

TEST(GreedySearch, FirstFlipGoalStopsAtTheFlipAndABelowTauFlipIsNoUu) {
  const auto model = graded_model();
  discover::AttackOptions options;
  options.goal = AttackGoal::first_flip;
  const auto result = attack(model, kGradedText, options);
  EXPECT_EQ(result.outcome, AttackOutcome::flipped_below_threshold);
  EXPECT_FALSE(result.is_uu());
  EXPECT_EQ(edited_words(result), (std::vector<std::string>{"good", "fine"}));
  EXPECT_EQ(result.final_label, 0);
  EXPECT_NEAR(result.final_confidence, sigmoid(0.1), 1e-12);
}

TEST(GreedySearch, FirstFlipAboveTauIsAUu) {
  // One strong word: removing it flips to sigmoid(2) = 0.88 at once.
  const LexiconClassifier model({{"superb", 4.0}}, -2.0);
  discover::AttackOptions options;
  options.goal = AttackGoal::first_flip;
  const auto result = attack(model, "a superb film", options);
  EXPECT_EQ(result.outcome, AttackOutcome::succeeded);
  EXPECT_NEAR(result.final_confidence, sigmoid(2.0), 1e-12);
  EXPECT_EQ(result.edits.size(), 1u);
}

TEST(GreedySearch, ConfidentGoalReportsAFlipThatNeverReachesTau) {
  // After every word is edited p(negative) = sigmoid(0.3) = 0.574 < 0.65.
  const LexiconClassifier model({{"good", 0.5}, {"fine", 0.3}}, -0.3);
  const auto result = attack(model, "good fine", {});
  EXPECT_EQ(result.outcome, AttackOutcome::flipped_below_threshold);
  EXPECT_EQ(result.edits.size(), 2u);
  EXPECT_NEAR(result.final_confidence, sigmoid(0.3), 1e-12);
}

TEST(GreedySearch, StopwordsAreNeverEdited) {
  // "very" and "not" carry the prediction but are stopwords: only "good" may change.
  const LexiconClassifier model({{"very", 3.0}, {"not", 2.0}, {"good", 1.0}}, -1.0);
  const auto result = attack(model, "Very good, not very", {});
  EXPECT_EQ(edited_words(result), (std::vector<std::string>{"good"}));
  EXPECT_EQ(result.outcome, AttackOutcome::no_more_words);
  EXPECT_EQ(result.final_label, kPositive);
  EXPECT_THAT(result.perturbed_text, ::testing::StartsWith("Very "));
  EXPECT_THAT(result.perturbed_text, ::testing::EndsWith(", not very"));
}

TEST(GreedySearch, NoWordIsEditedTwice) {
  // Each occurrence of "good" is its own word; with no way to flip, all are tried once.
  const LexiconClassifier model({{"good", 1.0}, {"film", 5.0}}, 0.5);
  const auto result = attack(model, "good good film good", {});
  std::set<std::size_t> indexes;
  for (const auto& edit : result.edits) EXPECT_TRUE(indexes.insert(edit.word_index).second);
  // Editing "film" lowers p(positive) most; each "good" then lowers it further.
  EXPECT_EQ(result.edits.size(), 4u);
  EXPECT_EQ(result.outcome, AttackOutcome::no_more_words);
}

TEST(GreedySearch, LevenshteinBudgetOfOneAllowsExactlyOneEdit) {
  const auto model = graded_model();
  discover::AttackOptions options;
  options.budget = 1;
  const auto result = attack(model, kGradedText, options);
  ASSERT_EQ(result.edits.size(), 1u);
  EXPECT_EQ(result.edits[0].original, "good");
  EXPECT_NE(result.edits[0].operation, discover::EditOperation::swap);  // a swap costs 2
  EXPECT_EQ(result.levenshtein, 1u);
  EXPECT_EQ(core::levenshtein(kGradedText, result.perturbed_text), 1u);
  EXPECT_EQ(result.outcome, AttackOutcome::budget_exhausted);
}

TEST(GreedySearch, BudgetIsNeverExceeded) {
  const auto model = graded_model();
  for (std::size_t budget = 0; budget <= 8; ++budget) {
    discover::AttackOptions options;
    options.budget = budget;
    const auto result = attack(model, kGradedText, options);
    EXPECT_LE(result.levenshtein, budget);
    EXPECT_LE(core::levenshtein(kGradedText, result.perturbed_text), result.levenshtein);
    if (budget == 0) {
      EXPECT_EQ(result.outcome, AttackOutcome::budget_exhausted);
    }
  }
}

TEST(GreedySearch, AlreadyWrongExamplesAreSkipped) {
  const auto model = graded_model();
  const auto result = attack(model, "film", {});
  EXPECT_EQ(result.outcome, AttackOutcome::skipped_already_wrong);
  EXPECT_FALSE(result.attacked());
  EXPECT_EQ(result.perturbed_text, "film");
  EXPECT_TRUE(result.edits.empty());
  EXPECT_EQ(result.queries, 1u);
  EXPECT_EQ(model.queries(), 1u);
}

TEST(GreedySearch, CountsEveryQueryAndUsesGivenProbabilities) {
  const auto model = graded_model();
  const auto result = attack(model, kGradedText, {});
  EXPECT_EQ(result.queries, model.queries());
  // The original, 5 leave-one-out texts, and 1-4 candidates for each of 4 words.
  EXPECT_GE(result.queries, 1u + 5u + 4u);
  EXPECT_LE(result.queries, 1u + 5u + 16u);

  const auto again = discover::attack_text(model, discover::DeepWordBugRecipe(), kGradedText, kPositive, {}, kSeed,
                                           model.probabilities(kGradedText));
  EXPECT_EQ(again, result);  // the given probabilities replace the first query but count as one
}

TEST(GreedySearch, PerturbedTextKeepsEverythingButTheEditedWords) {
  const auto model = graded_model();
  const std::string text = "Good,  great!<br /><br />\tNice... and FINE film.";
  const auto result = attack(model, text, {});
  ASSERT_EQ(result.outcome, AttackOutcome::succeeded);
  std::string rebuilt = text;
  const std::string marked_original = discover::mark_original(text, result.edits);
  const std::string marked_perturbed = discover::mark_perturbed(text, result.edits);
  EXPECT_EQ(marked_original, "[[Good]],  [[great]]!<br /><br />\t[[Nice]]... and [[FINE]] film.");
  // Removing the markers from the marked perturbed text gives the perturbed text.
  std::string unmarked = marked_perturbed;
  for (const char* marker : {"[[", "]]"}) {
    for (auto at = unmarked.find(marker); at != std::string::npos; at = unmarked.find(marker)) unmarked.erase(at, 2);
  }
  EXPECT_EQ(unmarked, result.perturbed_text);
  EXPECT_THAT(result.perturbed_text, ::testing::EndsWith(" film."));
  EXPECT_THAT(result.perturbed_text, ::testing::HasSubstr("<br /><br />\t"));
}

TEST(GreedySearch, UnknownLabelIsAProgrammerError) {
  const auto model = graded_model();
  const auto error =
      test::expect_error([&] { discover::attack_text(model, discover::DeepWordBugRecipe(), "good", 2, {}, kSeed); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
}

TEST(AttackGoals, NamesRoundTrip) {
  EXPECT_EQ(discover::parse_attack_goal("first-flip"), AttackGoal::first_flip);
  EXPECT_EQ(discover::parse_attack_goal("confident"), AttackGoal::confident);
  const auto error = test::expect_error([] { discover::parse_attack_goal("first_flip"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("did you mean \"first-flip\""));
  EXPECT_STREQ(discover::to_string(AttackOutcome::budget_exhausted), "budget_exhausted");
}

}  // namespace
