#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::core {

// Levenshtein distance in bytes (insert, delete, substitute; each costs 1).
std::size_t levenshtein(std::string_view a, std::string_view b);

// Optimal string alignment distance: Levenshtein plus transposition of two adjacent bytes as
// one edit ("lable" -> "label" is 1), which is how people mistype names.
std::size_t transposition_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` by transposition_distance if it is close enough to be a plausible typo
// (distance <= max(1, size/3)), for "did you mean" hints.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// ` (did you mean "x"?)` or an empty string.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace blindspot::core
