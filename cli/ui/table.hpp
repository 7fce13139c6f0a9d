#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::cli::ui {

// A plain-text table for terminal output:
//
//   label  precision  support
//   -----  ---------  -------
//   neg       0.8123     1204
//
// Columns are two spaces apart. A column whose non-empty cells are all numbers
// (is_numeric_cell) is right-aligned, header included, so digits line up; other columns are
// left-aligned. Widths count UTF-8 characters, not bytes.
class Table {
 public:
  // One header per column; the table has headers.size() columns.
  explicit Table(std::vector<std::string> headers);

  // Appends a row. Throws core::Error{internal} unless it has one cell per column (a bug in
  // the command that builds the table).
  void add_row(std::vector<std::string> cells);

  std::size_t column_count() const noexcept { return headers_.size(); }
  std::size_t row_count() const noexcept { return rows_.size(); }

  // The header, a rule of dashes and the rows; every line ends in '\n' and has no trailing spaces.
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Whether `cell` reads as a number: an optional sign, digits with an optional decimal point,
// an optional exponent and an optional trailing '%' ("12", "-0.5", ".5", "1e-3", "95.0%"), or
// "nan" / "inf" / "-inf" as fmt prints them.
bool is_numeric_cell(std::string_view cell);

}  // namespace blindspot::cli::ui
