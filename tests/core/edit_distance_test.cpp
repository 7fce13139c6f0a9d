#include "blindspot/core/edit_distance.hpp"

#include <gtest/gtest.h>

using namespace blindspot::core;

TEST(EditDistance, LevenshteinOnKnownPairs) {
  EXPECT_EQ(levenshtein("", ""), 0u);
  EXPECT_EQ(levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(levenshtein("good", "godo"), 2u);  // a swap is two edits for Levenshtein
  EXPECT_EQ(levenshtein("abc", ""), 3u);
}

TEST(EditDistance, DidYouMeanSuggestsOnlyCloseNames) {
  const std::vector<std::string> labels = {"negative", "positive"};
  EXPECT_EQ(did_you_mean("postive", labels), " (did you mean \"positive\"?)");
  EXPECT_EQ(did_you_mean("neutral", labels), "");
}

TEST(EditDistance, TranspositionCountsOnceForSuggestions) {
  EXPECT_EQ(transposition_distance("lable", "label"), 1u);
  EXPECT_EQ(transposition_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(did_you_mean("lable", {"text", "label"}), " (did you mean \"label\"?)");
}
