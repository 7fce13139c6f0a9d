#include "blindspot/discover/attack/words.hpp"

#include "utf8_chars.hpp"

#include <algorithm>

namespace blindspot::discover {
namespace {

// NLTK's English stopword list (nltk.corpus.stopwords.words("english"), 179 words), the
// default of TextAttack's StopwordModification constraint used by its DeepWordBug recipe.
// Sorted by byte order once, at first use.
std::vector<std::string> make_stopwords() {
  std::vector<std::string> words = {
      "i",        "me",     "my",      "myself",   "we",      "our",     "ours",     "ourselves",  "you",
      "you're",   "you've", "you'll",  "you'd",    "your",    "yours",   "yourself", "yourselves", "he",
      "him",      "his",    "himself", "she",      "she's",   "her",     "hers",     "herself",    "it",
      "it's",     "its",    "itself",  "they",     "them",    "their",   "theirs",   "themselves", "what",
      "which",    "who",    "whom",    "this",     "that",    "that'll", "these",    "those",      "am",
      "is",       "are",    "was",     "were",     "be",      "been",    "being",    "have",       "has",
      "had",      "having", "do",      "does",     "did",     "doing",   "a",        "an",         "the",
      "and",      "but",    "if",      "or",       "because", "as",      "until",    "while",      "of",
      "at",       "by",     "for",     "with",     "about",   "against", "between",  "into",       "through",
      "during",   "before", "after",   "above",    "below",   "to",      "from",     "up",         "down",
      "in",       "out",    "on",      "off",      "over",    "under",   "again",    "further",    "then",
      "once",     "here",   "there",   "when",     "where",   "why",     "how",      "all",        "any",
      "both",     "each",   "few",     "more",     "most",    "other",   "some",     "such",       "no",
      "nor",      "not",    "only",    "own",      "same",    "so",      "than",     "too",        "very",
      "s",        "t",      "can",     "will",     "just",    "don",     "don't",    "should",     "should've",
      "now",      "d",      "ll",      "m",        "o",       "re",      "ve",       "y",          "ain",
      "aren",     "aren't", "couldn",  "couldn't", "didn",    "didn't",  "doesn",    "doesn't",    "hadn",
      "hadn't",   "hasn",   "hasn't",  "haven",    "haven't", "isn",     "isn't",    "ma",         "mightn",
      "mightn't", "mustn",  "mustn't", "needn",    "needn't", "shan",    "shan't",   "shouldn",    "shouldn't",
      "wasn",     "wasn't", "weren",   "weren't",  "won",     "won't",   "wouldn",   "wouldn't"};
  std::sort(words.begin(), words.end());
  return words;
}

// Length of an HTML tag such as "<br />", "<br>", "</i>" starting at `offset`, else 0. IMDb
// reviews carry "<br /><br />" between paragraphs; "br" is markup, not a word to attack.
std::size_t tag_length(std::string_view text, std::size_t offset) {
  constexpr std::size_t kMaxTagBytes = 64;
  std::size_t i = offset + 1;
  if (i < text.size() && text[i] == '/') ++i;
  if (i >= text.size() || !detail::is_ascii_letter(text[i])) return 0;
  for (; i < text.size() && i - offset < kMaxTagBytes; ++i) {
    if (text[i] == '>') return i + 1 - offset;
    if (text[i] == '<') return 0;
  }
  return 0;
}

bool is_joiner(char32_t code_point) { return code_point == U'\'' || code_point == U'\u2019' || code_point == U'-'; }

}  // namespace

std::vector<WordSpan> find_words(std::string_view text) {
  std::vector<WordSpan> words;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      if (const std::size_t length = tag_length(text, i); length > 0) {
        i += length;
        continue;
      }
    }
    const detail::DecodedChar first = detail::decode_char(text, i);
    if (!detail::is_word_char(first)) {
      i += first.size;
      continue;
    }
    const std::size_t start = i;
    i += first.size;
    while (i < text.size()) {
      const detail::DecodedChar next = detail::decode_char(text, i);
      if (detail::is_word_char(next)) {
        i += next.size;
      } else if (next.valid && is_joiner(next.code_point) && i + next.size < text.size() &&
                 detail::is_word_char(detail::decode_char(text, i + next.size))) {
        i += next.size;
      } else {
        break;
      }
    }
    words.push_back({start, i - start});
  }
  return words;
}

const std::vector<std::string>& stopwords() {
  static const std::vector<std::string> words = make_stopwords();
  return words;
}

bool is_stopword(std::string_view word) {
  // The longest stopword has 9 bytes ("shouldn't"); longer words cannot match.
  constexpr std::size_t kLongestStopword = 12;
  if (word.size() > kLongestStopword) return false;
  std::string key;
  key.reserve(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word.compare(i, 3, "\u2019") == 0) {
      key += '\'';
      i += 2;
    } else {
      key += detail::ascii_lower(word[i]);
    }
  }
  const auto& words = stopwords();
  return std::binary_search(words.begin(), words.end(), key);
}

}  // namespace blindspot::discover
