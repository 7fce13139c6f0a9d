#pragma once

// Private to src/data: the per-format parsers behind read_records() and the checks they share,
// so every format reports the same problem with the same words.

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/data/example.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace blindspot::data::detail {

// The text of one dataset file, already checked: BOM removed, valid UTF-8, not blank.
struct SourceText {
  const std::filesystem::path& file;
  std::string_view content;   // after the BOM
  std::size_t bom_bytes = 0;  // 3 if a BOM was skipped, so byte columns on line 1 stay true
};

// Strips a UTF-8 BOM and throws Error{bad_input} "file is empty" (nothing but a BOM or
// whitespace) or "invalid UTF-8 at byte column N: <what>" on the physical line of the bad byte.
SourceText check_source(const std::filesystem::path& file, std::string_view bytes);

// The parsers. Each returns the records in file order and throws Error{bad_input} with the
// file, the record's first line and the problem.
std::vector<Record> parse_csv(const SourceText& source, const ReadOptions& options);
std::vector<Record> parse_tsv(const SourceText& source, const ReadOptions& options);
std::vector<Record> parse_jsonl(const SourceText& source, const ReadOptions& options);

// Where the text and label columns sit in a CSV/TSV header.
struct ColumnIndices {
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
  std::size_t text = 0;
  std::size_t label = 0;  // kAbsent: no label column (ReadOptions::label_optional)
};

// Finds the configured columns; throws Error{bad_input} at `header_line` (1 unless blank lines
// come first) for a duplicate name or a missing column, listing the columns there are and
// suggesting a near miss.
ColumnIndices locate_columns(const std::filesystem::path& file, std::int64_t header_line,
                             const std::vector<std::string>& header, const ReadOptions& options);

// Throws "no records after the header" when a CSV/TSV file has a header and nothing else.
void require_records(const std::filesystem::path& file, std::int64_t header_line, const std::vector<Record>& records);

// Throws "expected N fields as in the header, got M" (plus `hint_if_more` when M > N).
void check_field_count(const std::filesystem::path& file, std::int64_t line, std::size_t expected, std::size_t got,
                       std::string_view hint_if_more);

// Throws Error{bad_input} naming `column` when a field holds more than max_field_bytes.
void check_field_size(const std::filesystem::path& file, std::int64_t line, const std::string& column,
                      std::size_t field_bytes, const ReadOptions& options, std::string_view hint = {});

// Copies the fields other than the text and label columns into record.other_fields when
// options.keep_other_fields (unnamed columns are skipped).
void keep_other_fields(Record& record, const std::vector<std::string>& header, const ColumnIndices& columns,
                       const ReadOptions& options, const std::function<std::string(std::size_t)>& field);
// Throws Error{bad_input} if the text or (when the file has a label column) the label is empty
// or only whitespace (core::is_blank_text: Unicode's white space and zero-width characters).
void check_record(const std::filesystem::path& file, const Record& record, const ReadOptions& options,
                  bool has_label = true);

// Space, tab, CR, LF, vertical tab and form feed: what a blank line or an empty file is.
bool is_blank(std::string_view text) noexcept;

}  // namespace blindspot::data::detail
