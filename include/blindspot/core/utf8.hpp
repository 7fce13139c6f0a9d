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

}  // namespace blindspot::core
