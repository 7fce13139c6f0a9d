#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

namespace blindspot::core {

// The lines of a text in memory, numbered from 1, for readers that name the line of an error:
//   core::LineReader lines(content);
//   while (const auto line = lines.next()) { ... lines.number() ... }
// A line ends at '\n' (not included; a '\r' before it is left to the caller); a last line without
// '\n' counts, a final '\n' does not start an empty line.
class LineReader {
 public:
  explicit LineReader(std::string_view text) noexcept : text_(text) {}

  std::optional<std::string_view> next() noexcept {
    if (position_ >= text_.size()) return std::nullopt;
    const std::size_t end = std::min(text_.find('\n', position_), text_.size());
    const std::string_view line = text_.substr(position_, end - position_);
    position_ = end + 1;
    ++number_;
    return line;
  }
  // The number of the line next() returned last (0 before the first).
  std::int64_t number() const noexcept { return number_; }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  std::int64_t number_ = 0;
};

}  // namespace blindspot::core
