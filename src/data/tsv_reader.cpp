// Tab-separated values with a header row, as spreadsheets and pandas' to_csv(sep="\t") write
// them for plain text: one record per line, no quoting, so a field cannot hold a tab or a
// line break and quotes are ordinary characters.

#include "record_parsing.hpp"

#include "blindspot/core/line_reader.hpp"

#include <algorithm>

namespace blindspot::data::detail {
namespace {

void split_fields(std::string_view row, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = row.find('\t', start);
    if (tab == std::string_view::npos) {
      fields.push_back(row.substr(start));
      return;
    }
    fields.push_back(row.substr(start, tab - start));
    start = tab + 1;
  }
}

}  // namespace

std::vector<Record> parse_tsv(const SourceText& source, const ReadOptions& options) {
  const std::string_view text = source.content;
  std::vector<std::string> header;
  std::int64_t header_line = 0;
  ColumnIndices columns;
  std::vector<std::string_view> fields;
  std::vector<Record> records;
  core::LineReader lines(text);
  while (auto next = lines.next()) {
    const std::int64_t line = lines.number();
    std::string_view row = *next;
    if (row.ends_with('\r')) row.remove_suffix(1);
    if (row.empty()) continue;  // a record has at least two fields, so an empty line is spacing
    split_fields(row, fields);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      check_field_size(source.file, line, i < header.size() ? header[i] : "", fields[i].size(), options);
    }
    if (header_line == 0) {
      header.assign(fields.begin(), fields.end());
      header_line = line;
      columns = locate_columns(source.file, header_line, header, options);
      continue;
    }
    check_field_count(source.file, line, header.size(), fields.size(), "a TSV field must not contain a tab");
    Record record{std::string(fields[columns.text]),
                  columns.label == ColumnIndices::kAbsent ? std::string() : std::string(fields[columns.label]), line,
                  {}};
    keep_other_fields(record, header, columns, options, [&](std::size_t i) { return std::string(fields[i]); });
    check_record(source.file, record, options, columns.label != ColumnIndices::kAbsent);
    records.push_back(std::move(record));
  }
  require_records(source.file, header_line, records);
  return records;
}

}  // namespace blindspot::data::detail
