#pragma once

// Code-point helpers shared by word segmentation and the character edits (private to the
// attack library). Character edits work on code points, so that a perturbed text stays valid
// UTF-8 whatever the script.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::discover::detail {

struct DecodedChar {
  char32_t code_point = 0;
  std::size_t size = 1;  // bytes
  bool valid = false;    // false: an ill-formed byte, taken alone
};

inline bool is_ascii_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
inline char ascii_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Decodes the code point starting at `offset` (RFC 3629; overlong forms, surrogates and values
// above U+10FFFF are ill-formed).
inline DecodedChar decode_char(std::string_view text, std::size_t offset) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(offset);
  if (lead < 0x80) return {lead, 1, true};
  // Sequence length, payload bits of the lead byte and smallest value per length.
  std::size_t size = 0;
  if ((lead & 0xE0) == 0xC0) {
    size = 2;
  } else if ((lead & 0xF0) == 0xE0) {
    size = 3;
  } else if ((lead & 0xF8) == 0xF0) {
    size = 4;
  } else {
    return {lead, 1, false};
  }
  constexpr unsigned char kLeadMask[] = {0, 0, 0x1F, 0x0F, 0x07};
  constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  char32_t code_point = lead & kLeadMask[size];
  const char32_t minimum = kMinimum[size];
  if (offset + size > text.size()) return {lead, 1, false};
  for (std::size_t i = 1; i < size; ++i) {
    if ((byte(offset + i) & 0xC0) != 0x80) return {lead, 1, false};
    code_point = (code_point << 6) | (byte(offset + i) & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return {lead, 1, false};
  }
  return {code_point, size, true};
}

// Letters and digits: ASCII alphanumerics, and every non-ASCII code point outside the
// punctuation and symbol blocks that occur in our corpora (no Unicode tables needed).
inline bool is_word_char(const DecodedChar& c) noexcept {
  if (!c.valid) return false;
  const char32_t cp = c.code_point;
  if (cp < 0x80) return is_ascii_letter(static_cast<char>(cp)) || is_ascii_digit(static_cast<char>(cp));
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) return false;  // C1 controls, Latin-1 punctuation, x, /
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;            // punctuation, symbols, arrows, dingbats
  if (cp >= 0x3000 && cp <= 0x303F) return false;            // CJK punctuation
  if (cp >= 0xFE10 && cp <= 0xFE6F) return false;            // vertical and small forms
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;            // full-width punctuation
  if ((cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65)) return false;
  if (cp == 0xFEFF || cp == 0xFFFD) return false;    // BOM, replacement character
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji and pictographs
  return true;
}

// The byte ranges of the code points of `word` (ill-formed bytes count alone).
inline std::vector<std::string_view> split_chars(std::string_view word) {
  std::vector<std::string_view> chars;
  chars.reserve(word.size());
  for (std::size_t i = 0; i < word.size();) {
    const std::size_t size = decode_char(word, i).size;
    chars.push_back(word.substr(i, size));
    i += size;
  }
  return chars;
}

}  // namespace blindspot::discover::detail
