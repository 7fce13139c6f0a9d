#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace blindspot::core {

// Byte offset of the first byte that does not start a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or nullopt.
std::optional<std::size_t> find_invalid_utf8(std::string_view text) noexcept;

inline bool is_valid_utf8(std::string_view text) noexcept { return !find_invalid_utf8(text).has_value(); }

// Replaces every ill-formed sequence with U+FFFD, for text from untrusted sources
// (LLM replies) that we still want to store and show.
std::string sanitize_utf8(std::string_view text);

// Whether a text shows nothing: every code point has Unicode's White_Space property (ASCII
// spaces and controls \t..\r, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
// U+205F, U+3000) or is a zero-width character (U+180E, U+200B..U+200D, U+2060, U+FEFF). True
// for "". Text that is not UTF-8 is not blank.
bool is_blank_text(std::string_view text) noexcept;

}  // namespace blindspot::core
