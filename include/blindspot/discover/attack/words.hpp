#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::discover {

// Where one word lies in a text (bytes).
struct WordSpan {
  std::size_t offset = 0;
  std::size_t size = 0;

  bool operator==(const WordSpan& other) const = default;
};

// The words of `text`, in order, as byte ranges of the text itself so that a perturbed text
// can be the original with only the edited words replaced (white space, punctuation and
// markup are kept byte for byte). A word is a maximal run of letters and digits of any script
// (every non-ASCII code point counts as a letter unless it is punctuation or a symbol: Latin-1
// punctuation, General Punctuation up to the Miscellaneous Symbols and Arrows block, CJK and
// full-width punctuation, emoji). An apostrophe (' or U+2019) or hyphen between two letters
// belongs to the word ("don't", "well-made"), as in TextAttack's words_from_text. HTML tags
// such as `<br />` are skipped. Invalid UTF-8 bytes separate words.
std::vector<WordSpan> find_words(std::string_view text);

// True for a word of the English stopword list that attacks never edit: NLTK's "english"
// list (179 words), TextAttack's default for DeepWordBug's StopwordModification constraint.
// Unlike TextAttack the comparison ignores ASCII case, so "The" is a stopword too. A curly
// apostrophe (U+2019) counts as "'" ("don’t").
bool is_stopword(std::string_view word);

// The stopword list, lower case, sorted.
const std::vector<std::string>& stopwords();

}  // namespace blindspot::discover
