#include "blindspot/model/text_normaliser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using blindspot::model::normalise_text;
using blindspot::model::tokenise;
using testing::ElementsAre;

TEST(TextNormaliser, HtmlLineBreaksBecomeSpaces) {
  EXPECT_EQ(normalise_text("Great movie.<br /><br />Loved it"), "great movie . loved it");
  EXPECT_EQ(normalise_text("a<BR/>b<br>c<Br  />d"), "a b c d");
  // Only line breaks are markup we know; other tags are punctuation and words.
  EXPECT_EQ(normalise_text("<b>bold</b>"), "< b > bold < / b >");
}

TEST(TextNormaliser, LowerCases) { EXPECT_EQ(normalise_text("The MOVIE Was FiNe"), "the movie was fine"); }

TEST(TextNormaliser, PunctuationAndSymbolsBecomeTokens) {
  EXPECT_EQ(normalise_text("great!"), "great !");
  EXPECT_EQ(normalise_text("Wow...really?!"), "wow . . . really ? !");
  EXPECT_EQ(normalise_text("(10/10) $5, 3.5 stars"), "( 10 / 10 ) $ 5 , 3 . 5 stars");
  EXPECT_EQ(normalise_text("good\xF0\x9F\x98\x80"), "good \xF0\x9F\x98\x80");  // an emoji is a symbol (So)
  EXPECT_EQ(normalise_text("\xC2\xABoui\xC2\xBB"), "\xC2\xAB oui \xC2\xBB");    // guillemets
}

TEST(TextNormaliser, ApostropheAndHyphenInsideAWordStay) {
  EXPECT_EQ(normalise_text("Don't"), "don't");
  EXPECT_EQ(normalise_text("a well-made film"), "a well-made film");
  EXPECT_EQ(normalise_text("mother-in-law"), "mother-in-law");
  // A typographic apostrophe is the same word as a straight one.
  EXPECT_EQ(normalise_text("don\xE2\x80\x99t"), "don't");
}

TEST(TextNormaliser, ApostropheAndHyphenAtAWordEdgeSplit) {
  EXPECT_EQ(normalise_text("'quoted'"), "' quoted '");
  EXPECT_EQ(normalise_text("it's -- fine-"), "it's - - fine -");
  EXPECT_EQ(normalise_text("the actors ' work"), "the actors ' work");
  EXPECT_EQ(normalise_text("wo n't"), "wo n't");
}

TEST(TextNormaliser, UnicodeCaseFoldingAndCompatibilityForms) {
  EXPECT_EQ(normalise_text("\xEF\xBC\xA3\xEF\xBD\x81\xEF\xBD\x86\xC3\xA9 FUSS \xC3\x9F"), "caf\xC3\xA9 fuss ss");
  EXPECT_EQ(normalise_text("CAF\xC3\x89"), "caf\xC3\xA9");
  // A decomposed e + combining acute composes to the same word.
  EXPECT_EQ(normalise_text("cafe\xCC\x81"), "caf\xC3\xA9");
  // The fi ligature and a no-break space are compatibility forms.
  EXPECT_EQ(normalise_text("\xEF\xAC\x81ne\xC2\xA0" "film"), "fine film");
  // A soft hyphen is default-ignorable and disappears.
  EXPECT_EQ(normalise_text("co\xC2\xADop"), "coop");
}

TEST(TextNormaliser, WhiteSpaceCollapses) {
  EXPECT_EQ(normalise_text("  a \t\n\r b  \v\f c "), "a b c");
  EXPECT_EQ(normalise_text("line\xE2\x80\xA8separator"), "line separator");
  EXPECT_EQ(normalise_text(std::string("nul\0byte", 8)), "nul byte");
  EXPECT_EQ(normalise_text(""), "");
  EXPECT_EQ(normalise_text(" \n\t "), "");
}

TEST(TextNormaliser, InvalidUtf8IsReplacedNotFatal) {
  EXPECT_EQ(normalise_text("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(normalise_text("ab\xC3"), "ab \xEF\xBF\xBD");
  EXPECT_EQ(normalise_text("\xED\xA0\x80"), "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD");  // an encoded surrogate
}

TEST(TextNormaliser, TextCannotForgeAFastTextLabel) {
  EXPECT_EQ(normalise_text("__label__positive"), "_ _ label _ _ positive");
}

TEST(TextNormaliser, IsIdempotent) {
  for (const char* text : {"Great movie!<br />Don't miss it...", "Ｃａｆé  well-made", "a\xFF b"}) {
    const std::string once = normalise_text(text);
    EXPECT_EQ(normalise_text(once), once) << text;
  }
}

TEST(TextNormaliser, TokeniseSplitsTheNormalisedText) {
  EXPECT_THAT(tokenise("Hello, world!"), ElementsAre("hello", ",", "world", "!"));
  EXPECT_THAT(tokenise("   "), ElementsAre());
}
