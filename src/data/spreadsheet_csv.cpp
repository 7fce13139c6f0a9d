#include "blindspot/data/spreadsheet_csv.hpp"

#include "blindspot/data/csv_writer.hpp"

namespace blindspot::data {
namespace {

// OWASP, "CSV Injection": = + - @ start a formula; tab and CR are the two further characters it
// lists, as some spreadsheets skip them before looking for a formula.
constexpr std::string_view kFormulaStarters = "=+-@\t\r";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string spreadsheet_safe_text(std::string_view text) {
  if (!text.empty() && kFormulaStarters.find(text.front()) != std::string_view::npos) {
    return "'" + std::string(text);
  }
  return std::string(text);
}

bool is_plain_number(std::string_view value) {
  if (!value.empty() && (value.front() == '-' || value.front() == '+')) value.remove_prefix(1);
  std::size_t digits = 0;
  bool point = false;
  for (const char c : value) {
    if (is_digit(c)) {
      ++digits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

void write_spreadsheet_csv_row(std::ostream& out, const std::vector<SpreadsheetCell>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out << ',';
    const SpreadsheetCell& cell = cells[i];
    if (cell.is_number && is_plain_number(cell.value)) {
      out << cell.value;
    } else {
      out << csv_quoted(spreadsheet_safe_text(cell.value));
    }
  }
  out << '\n';
}

}  // namespace blindspot::data
