#include "blindspot/model/text_normaliser.hpp"

#include "blindspot/core/utf8.hpp"

#include <utf8proc.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace blindspot::model {
namespace {

// What a code point is to the tokeniser.
enum class CharClass : std::uint8_t {
  word,         // letters, digits, marks: part of a word
  space,        // separators and control characters: end a word
  punctuation,  // P* and S*: a token of its own
  joiner,       // apostrophe or hyphen: inside a word if a word character follows
};

constexpr bool is_joiner(utf8proc_int32_t code_point) {
  // ' and - plus their typographic forms (U+2019 right single quote, U+2010/U+2011 hyphens),
  // which NFKC leaves alone but writers use for the same words ("don’t").
  return code_point == '\'' || code_point == '-' || code_point == 0x2019 || code_point == 0x2010 ||
         code_point == 0x2011;
}

CharClass classify(utf8proc_int32_t code_point) {
  if (is_joiner(code_point)) return CharClass::joiner;
  switch (utf8proc_category(code_point)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
      return CharClass::punctuation;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
      return CharClass::space;
    default:
      return CharClass::word;
  }
}

// ASCII is most of every corpus we see; a table keeps the per-byte cost to one load.
const std::array<CharClass, 128>& ascii_classes() {
  static const std::array<CharClass, 128> table = [] {
    std::array<CharClass, 128> classes{};
    for (int byte = 0; byte < 128; ++byte) classes[static_cast<std::size_t>(byte)] = classify(byte);
    return classes;
  }();
  return table;
}

// Length of "<br>", "<br/>", "<br />" (any case, any spaces before "/" or ">") at text[pos], or 0.
std::size_t line_break_length(std::string_view text, std::size_t pos) {
  if (text.size() - pos < 4 || text[pos] != '<') return 0;
  if ((text[pos + 1] | 0x20) != 'b' || (text[pos + 2] | 0x20) != 'r') return 0;
  std::size_t end = pos + 3;
  while (end < text.size() && text[end] == ' ') ++end;
  if (end < text.size() && text[end] == '/') ++end;
  while (end < text.size() && text[end] == ' ') ++end;
  return end < text.size() && text[end] == '>' ? end + 1 - pos : 0;
}

// Step 1, plus ASCII lower-casing when the text is pure ASCII (NFKC case folding of ASCII is
// exactly that, and it spares the utf8proc round trip for most texts).
std::string replace_line_breaks(std::string_view text, bool& ascii) {
  std::string out;
  out.reserve(text.size());
  ascii = true;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte == '<') {
      if (const std::size_t length = line_break_length(text, pos); length > 0) {
        out.push_back(' ');
        pos += length;
        continue;
      }
    }
    ascii = ascii && byte < 0x80;
    out.push_back(text[pos]);
    ++pos;
  }
  if (ascii) {
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Step 2: NFKC + case folding, dropping default-ignorable code points (soft hyphens,
// zero-width joiners), i.e. Unicode's NFKC_Casefold.
std::string fold_case(const std::string& text) {
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                      UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  const utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                               static_cast<utf8proc_ssize_t>(text.size()), &mapped, options);
  // The input is valid UTF-8 here, so the only failure left is memory; keep the text unfolded.
  if (length < 0) return text;
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  return {reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length)};
}

// One decoded code point of a valid UTF-8 string.
struct CodePoint {
  utf8proc_int32_t value = 0;
  std::size_t length = 0;
  CharClass kind = CharClass::space;
};

CodePoint decode(std::string_view text, std::size_t pos) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte < 0x80) return {byte, 1, ascii_classes()[byte]};
  CodePoint point;
  const utf8proc_ssize_t length =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                       static_cast<utf8proc_ssize_t>(text.size() - pos), &point.value);
  if (length <= 0) return {0xFFFD, 1, CharClass::punctuation};
  point.length = static_cast<std::size_t>(length);
  point.kind = classify(point.value);
  return point;
}

// Steps 3 and 4: punctuation and symbols become tokens, white space collapses.
std::string split_tokens(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool in_word = false;
  const auto separate = [&out] {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
  };
  for (std::size_t pos = 0; pos < text.size();) {
    const CodePoint point = decode(text, pos);
    const std::string_view bytes = text.substr(pos, point.length);
    pos += point.length;
    switch (point.kind) {
      case CharClass::word:
        if (!in_word) separate();
        out.append(bytes);
        in_word = true;
        break;
      case CharClass::space:
        in_word = false;
        break;
      case CharClass::joiner:
        if (in_word && pos < text.size() && decode(text, pos).kind == CharClass::word) {
          // "don’t" and "don't" are one word.
          out.append(point.value == 0x2019 ? std::string_view("'") : bytes);
          break;
        }
        [[fallthrough]];
      case CharClass::punctuation:
        separate();
        out.append(bytes);
        out.push_back(' ');
        in_word = false;
        break;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string normalise_text(std::string_view text) {
  // utf8proc rejects ill-formed input as a whole; replacing the bad bytes keeps the rest.
  std::string sanitized;
  if (!core::is_valid_utf8(text)) {
    sanitized = core::sanitize_utf8(text);
    text = sanitized;
  }
  bool ascii = true;
  std::string unbroken = replace_line_breaks(text, ascii);
  if (!ascii) unbroken = fold_case(unbroken);
  return split_tokens(unbroken);
}

std::vector<std::string> tokenise(std::string_view text) {
  const std::string normalised = normalise_text(text);
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < normalised.size()) {
    std::size_t end = normalised.find(' ', start);
    if (end == std::string::npos) end = normalised.size();
    tokens.emplace_back(normalised, start, end - start);
    start = end + 1;
  }
  return tokens;
}

}  // namespace blindspot::model
