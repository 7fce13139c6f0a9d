#include "blindspot/discover/attack/words.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;

namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  for (const auto& span : discover::find_words(text)) words.emplace_back(text.substr(span.offset, span.size));
  return words;
}

TEST(FindWords, KeepsInnerApostrophesAndHyphens) {
  EXPECT_EQ(words_of("Don't stop - it's well-made, 'quoted' end-"),
            (std::vector<std::string>{"Don't", "stop", "it's", "well-made", "quoted", "end"}));
}

TEST(FindWords, SkipsHtmlTagsButNotComparisons) {
  EXPECT_EQ(words_of("Great.<br /><br />Bad<i>ly</i> 3 < 4 > 2"),
            (std::vector<std::string>{"Great", "Bad", "ly", "3", "4", "2"}));
}

TEST(FindWords, SpansPointIntoTheText) {
  const std::string text = "  Good,\tgreat!";
  const auto spans = discover::find_words(text);
  EXPECT_EQ(spans, (std::vector<discover::WordSpan>{{2, 4}, {8, 5}}));
}

TEST(FindWords, NonAsciiLettersBelongToWordsPunctuationDoesNot) {
  EXPECT_EQ(words_of("Café — naïve\u2026 don\u2019t «Zürich» 😀x"),
            (std::vector<std::string>{"Café", "naïve", "don\u2019t", "Zürich", "x"}));
}

TEST(FindWords, InvalidUtf8SeparatesWords) {
  EXPECT_EQ(words_of("ab\xff"
                     "cd"),
            (std::vector<std::string>{"ab", "cd"}));
}

TEST(Stopwords, NltkEnglishListIgnoringCase) {
  EXPECT_EQ(discover::stopwords().size(), 179u);
  EXPECT_TRUE(std::is_sorted(discover::stopwords().begin(), discover::stopwords().end()));
  EXPECT_TRUE(discover::is_stopword("the"));
  EXPECT_TRUE(discover::is_stopword("The"));
  EXPECT_TRUE(discover::is_stopword("NOT"));
  EXPECT_TRUE(discover::is_stopword("don't"));
  EXPECT_TRUE(discover::is_stopword("don\u2019t"));
  EXPECT_TRUE(discover::is_stopword("shouldn't"));
  EXPECT_FALSE(discover::is_stopword("movie"));
  EXPECT_FALSE(discover::is_stopword("bad"));
  EXPECT_FALSE(discover::is_stopword("thee"));
  EXPECT_FALSE(discover::is_stopword(""));
}

}  // namespace
