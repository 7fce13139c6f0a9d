#include "table.hpp"

#include "blindspot/core/error.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>

namespace blindspot::cli::ui {
namespace {

constexpr std::string_view kColumnGap = "  ";

// Characters, not bytes, so that a label like "négatif" does not shift its row.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Consumes a run of digits starting at `pos`; returns how many there were.
std::size_t skip_digits(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  return pos - start;
}

}  // namespace

bool is_numeric_cell(std::string_view cell) {
  std::size_t pos = 0;
  if (pos < cell.size() && (cell[pos] == '+' || cell[pos] == '-')) ++pos;
  const std::string_view rest = cell.substr(pos);
  if (rest == "nan" || rest == "inf") return true;
  std::size_t digits = skip_digits(cell, pos);
  if (pos < cell.size() && cell[pos] == '.') {
    ++pos;
    digits += skip_digits(cell, pos);
  }
  if (digits == 0) return false;
  if (pos < cell.size() && (cell[pos] == 'e' || cell[pos] == 'E')) {
    ++pos;
    if (pos < cell.size() && (cell[pos] == '+' || cell[pos] == '-')) ++pos;
    if (skip_digits(cell, pos) == 0) return false;
  }
  if (pos < cell.size() && cell[pos] == '%') ++pos;
  return pos == cell.size();
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != headers_.size()) {
    throw core::Error(core::ErrorKind::internal, fmt::format("table row {} has {} cells but the table has {} columns",
                                                             rows_.size() + 1, cells.size(), headers_.size()));
  }
  rows_.push_back(std::move(cells));
}

std::string Table::render() const {
  const std::size_t columns = headers_.size();
  std::vector<std::size_t> widths(columns, 0);
  std::vector<bool> right_aligned(columns, false);
  for (std::size_t column = 0; column < columns; ++column) {
    widths[column] = display_width(headers_[column]);
    bool any_number = false;
    bool all_numbers = true;
    for (const auto& row : rows_) {
      const std::string& cell = row[column];
      widths[column] = std::max(widths[column], display_width(cell));
      if (cell.empty()) continue;
      any_number = any_number || is_numeric_cell(cell);
      all_numbers = all_numbers && is_numeric_cell(cell);
    }
    right_aligned[column] = any_number && all_numbers;
  }

  fmt::memory_buffer out;
  const auto append_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t column = 0; column < columns; ++column) {
      if (column > 0) line += kColumnGap;
      const std::string padding(widths[column] - display_width(cells[column]), ' ');
      line += right_aligned[column] ? padding + cells[column] : cells[column] + padding;
    }
    // Left-aligned last columns would leave trailing blanks; they only clutter diffs and copies.
    line.erase(line.find_last_not_of(' ') + 1);
    fmt::format_to(std::back_inserter(out), "{}\n", line);
  };
  append_line(headers_);
  std::vector<std::string> rule;
  rule.reserve(columns);
  for (const std::size_t width : widths) rule.emplace_back(width, '-');
  append_line(rule);
  for (const auto& row : rows_) append_line(row);
  return fmt::to_string(out);
}

}  // namespace blindspot::cli::ui
