#include "blindspot/discover/uu.hpp"

#include <charconv>

namespace blindspot::discover {

const char* to_string(UuKind kind) noexcept {
  switch (kind) {
    case UuKind::natural:
      return "natural";
    case UuKind::adversarial:
      return "adversarial";
  }
  return "natural";
}

std::optional<UuIdParts> parse_uu_id(std::string_view id) {
  const std::size_t first = id.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = id.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  UuIdParts parts{std::string(id.substr(0, first)), 0, std::string(id.substr(second + 1))};
  const char* begin = id.data() + first + 1;
  const char* end = id.data() + second;
  const auto [stop, error] = std::from_chars(begin, end, parts.row);
  if (error != std::errc() || stop != end || begin == end) return std::nullopt;
  return parts;
}

}  // namespace blindspot::discover
