#include "sentences.hpp"

#include "blindspot/discover/attack/words.hpp"

namespace blindspot::teach::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Length of "<br>", "<br/>", "<br />" (any case) at `pos`, else 0: IMDb's paragraph breaks.
std::size_t line_break_length(std::string_view text, std::size_t pos) {
  if (pos + 3 >= text.size() || text[pos] != '<' || (text[pos + 1] | 0x20) != 'b' || (text[pos + 2] | 0x20) != 'r') {
    return 0;
  }
  std::size_t end = pos + 3;
  while (end < text.size() && (text[end] == ' ' || text[end] == '/')) ++end;
  return end < text.size() && text[end] == '>' ? end + 1 - pos : 0;
}

}  // namespace

std::vector<Span> split_sentences(std::string_view text) {
  std::vector<Span> sentences;
  std::size_t start = 0;
  const auto flush = [&](std::size_t end) {
    while (start < end && is_space(text[start])) ++start;
    while (end > start && is_space(text[end - 1])) --end;
    if (end > start && !discover::find_words(text.substr(start, end - start)).empty()) {
      sentences.push_back({start, end - start});
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (const std::size_t tag = line_break_length(text, i); tag > 0) {
      flush(i);
      i += tag;
      start = i;
      continue;
    }
    if (text[i] == '.' || text[i] == '!' || text[i] == '?') {
      std::size_t end = i;
      while (end < text.size() && (text[end] == '.' || text[end] == '!' || text[end] == '?')) ++end;
      while (end < text.size() && (text[end] == '"' || text[end] == '\'' || text[end] == ')' || text[end] == ']'))
        ++end;
      if (end == text.size() || is_space(text[end]) || text[end] == '<') {
        flush(end);
        start = end;
      }
      i = end;
      continue;
    }
    ++i;
  }
  flush(text.size());
  return sentences;
}

}  // namespace blindspot::teach::detail
