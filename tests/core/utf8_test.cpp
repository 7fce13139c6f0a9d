#include "blindspot/core/utf8.hpp"

#include <gtest/gtest.h>

using blindspot::core::find_invalid_utf8;
using blindspot::core::sanitize_utf8;

TEST(Utf8, AcceptsAsciiAndMultibyte) {
  EXPECT_FALSE(find_invalid_utf8("plain ascii").has_value());
  EXPECT_FALSE(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80").has_value());
}

TEST(Utf8, ReportsOffsetOfFirstBadByte) {
  EXPECT_EQ(find_invalid_utf8("ab\xFF" "cd"), 2u);
  EXPECT_EQ(find_invalid_utf8("caf\xC3"), 3u);              // truncated sequence
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);             // overlong '/'
  EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1u);        // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);     // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xE2\x82"), 0u);             // cut short
}

TEST(Utf8, SanitizeReplacesEachBadByte) {
  EXPECT_EQ(sanitize_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(sanitize_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
}

// Issue 13, finding 6: a text of no-break or zero-width spaces looks empty and must count as blank.
TEST(Utf8, BlankTextIsUnicodeWhiteSpaceAndZeroWidthCharacters) {
  using blindspot::core::is_blank_text;
  EXPECT_TRUE(is_blank_text(""));
  EXPECT_TRUE(is_blank_text(" \t\r\n\v\f"));
  EXPECT_TRUE(is_blank_text("\xC2\xA0"));                      // U+00A0 no-break space
  EXPECT_TRUE(is_blank_text("\xC2\x85"));                      // U+0085 next line
  EXPECT_TRUE(is_blank_text("\xE1\x9A\x80\xE1\xA0\x8E"));      // U+1680, U+180E
  EXPECT_TRUE(is_blank_text("\xE2\x80\x80\xE2\x80\x87\xE2\x80\x8A"));  // U+2000, U+2007, U+200A
  EXPECT_TRUE(is_blank_text("\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D"));  // U+200B..U+200D zero-width
  EXPECT_TRUE(is_blank_text("\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\xAF"));  // U+2028, U+2029, U+202F
  EXPECT_TRUE(is_blank_text("\xE2\x81\x9F\xE2\x81\xA0"));      // U+205F, U+2060 word joiner
  EXPECT_TRUE(is_blank_text("\xE3\x80\x80\xEF\xBB\xBF"));      // U+3000 ideographic space, U+FEFF
  EXPECT_FALSE(is_blank_text("\xC2\xA0x"));
  EXPECT_FALSE(is_blank_text("\xE2\x80\x8E"));                 // U+200E left-to-right mark: not a space
  EXPECT_FALSE(is_blank_text("\xE3\x80\x81"));                 // U+3001 ideographic comma
  EXPECT_FALSE(is_blank_text("\xC2\xA1"));                     // U+00A1
  EXPECT_FALSE(is_blank_text("\xFF"));                         // not UTF-8: not blank either
}
