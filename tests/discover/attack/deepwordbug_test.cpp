#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/utf8.hpp"

#include "printers.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

using namespace blindspot;

namespace {

constexpr std::uint64_t kSeed = 42;

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

TEST(DeepWordBugEdits, SwapExchangesTwoNeighbours) {
  core::Rng rng(kSeed);
  const auto swapped = discover::swap_neighbours("terrible", rng);
  ASSERT_TRUE(swapped.has_value());
  EXPECT_EQ(*swapped, "terrilbe");
  // Over many draws every result is "terrible" with one adjacent pair exchanged.
  for (int i = 0; i < 200; ++i) {
    const std::string word = *discover::swap_neighbours("abcdef", rng);
    std::size_t first = 0;
    while (word[first] == "abcdef"[first]) ++first;
    ASSERT_LT(first, 5u);
    EXPECT_EQ(word[first], "abcdef"[first + 1]);
    EXPECT_EQ(word[first + 1], "abcdef"[first]);
    EXPECT_EQ(word.substr(first + 2), std::string("abcdef").substr(first + 2));
  }
}

TEST(DeepWordBugEdits, SubstituteReplacesOneCharacterByALetter) {
  core::Rng rng(kSeed);
  EXPECT_EQ(*discover::substitute_character("terrible", rng), "terriBle");
  for (int i = 0; i < 200; ++i) {
    const std::string word = *discover::substitute_character("abcdef", rng);
    ASSERT_EQ(word.size(), 6u);
    std::size_t differences = 0;
    for (std::size_t k = 0; k < 6; ++k) {
      if (word[k] != "abcdef"[k]) {
        ++differences;
        EXPECT_TRUE(is_ascii_letter(word[k]));
      }
    }
    EXPECT_LE(differences, 1u);
  }
}

TEST(DeepWordBugEdits, DeleteRemovesOneCharacter) {
  core::Rng rng(kSeed);
  EXPECT_EQ(*discover::delete_character("terrible", rng), "terrile");
  for (int i = 0; i < 200; ++i) {
    const std::string word = *discover::delete_character("abcdef", rng);
    EXPECT_EQ(word.size(), 5u);
    EXPECT_EQ(core::levenshtein("abcdef", word), 1u);
  }
}

TEST(DeepWordBugEdits, InsertAddsOneLetterNeverAtTheEnd) {
  core::Rng rng(kSeed);
  EXPECT_EQ(*discover::insert_character("terrible", rng), "terriBble");
  for (int i = 0; i < 200; ++i) {
    const std::string word = *discover::insert_character("ab", rng);
    ASSERT_EQ(word.size(), 3u);
    EXPECT_EQ(word.back(), 'b');  // TextAttack inserts before position 0..len-1
    EXPECT_EQ(core::levenshtein("ab", word), 1u);
  }
}

TEST(DeepWordBugEdits, OneCharacterWordsAreLeftAlone) {
  core::Rng rng(kSeed);
  EXPECT_FALSE(discover::swap_neighbours("a", rng).has_value());
  EXPECT_FALSE(discover::substitute_character("a", rng).has_value());
  EXPECT_FALSE(discover::delete_character("a", rng).has_value());
  EXPECT_FALSE(discover::insert_character("a", rng).has_value());
  EXPECT_FALSE(discover::swap_neighbours("é", rng).has_value());  // one code point, two bytes
}

TEST(DeepWordBugEdits, EditCodePointsNotBytes) {
  core::Rng rng(kSeed);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(core::is_valid_utf8(*discover::swap_neighbours("naïve", rng)));
    EXPECT_TRUE(core::is_valid_utf8(*discover::substitute_character("naïve", rng)));
    EXPECT_TRUE(core::is_valid_utf8(*discover::delete_character("naïve", rng)));
    EXPECT_TRUE(core::is_valid_utf8(*discover::insert_character("naïve", rng)));
  }
  core::Rng fixed(3);
  EXPECT_EQ(*discover::swap_neighbours("éa", fixed), "aé");
}

TEST(DeepWordBugRecipe, OneCandidatePerEditInOrder) {
  const discover::DeepWordBugRecipe recipe;
  EXPECT_EQ(recipe.name(), "deepwordbug");
  core::Rng rng(kSeed);
  const auto candidates = recipe.candidates("terrible", rng);
  const std::vector<discover::Candidate> expected = {{"terrilbe", discover::EditOperation::swap},
                                                     {"terkible", discover::EditOperation::substitute},
                                                     {"terrble", discover::EditOperation::deletion},
                                                     {"teUrrible", discover::EditOperation::insertion}};
  EXPECT_EQ(candidates, expected);
}

TEST(DeepWordBugRecipe, SameSeedSameCandidatesAndNoCopiesOfTheWord) {
  const discover::DeepWordBugRecipe recipe;
  core::Rng first(7);
  core::Rng second(7);
  EXPECT_EQ(recipe.candidates("movie", first), recipe.candidates("movie", second));
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    core::Rng rng(seed);
    const auto candidates = recipe.candidates("good", rng);  // swapping "oo" gives "good" again
    for (const auto& candidate : candidates) EXPECT_NE(candidate.replacement, "good");
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      for (std::size_t j = i + 1; j < candidates.size(); ++j) {
        EXPECT_NE(candidates[i].replacement, candidates[j].replacement);
      }
    }
  }
  core::Rng rng(kSeed);
  EXPECT_TRUE(recipe.candidates("a", rng).empty());
}

TEST(Recipes, RegistryKnowsBothAndSuggestsOnTypos) {
  EXPECT_EQ(discover::recipe_names(), (std::vector<std::string>{"deepwordbug", "wordnet"}));
  EXPECT_EQ(discover::make_recipe("deepwordbug")->name(), "deepwordbug");
  EXPECT_EQ(discover::make_recipe("wordnet")->name(), "wordnet");
  const auto error = test::expect_error([] { discover::make_recipe("deepwordbg"); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_STREQ(error.what(),
               "unknown attack recipe \"deepwordbg\" (recipes: deepwordbug, wordnet) (did you mean \"deepwordbug\"?)");
  EXPECT_STREQ(discover::to_string(discover::EditOperation::deletion), "delete");
}

}  // namespace
