#include "record_parsing.hpp"

#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace blindspot::data::detail {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string hex_byte(std::uint8_t byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned>(byte));
  return buffer;
}

bool is_continuation(std::uint8_t byte) noexcept { return byte >= 0x80 && byte <= 0xBF; }

// Says why the sequence at the start of `rest` is not UTF-8. The cases mirror the table of
// well-formed sequences in the Unicode standard (section 3.9, table 3-7), which is also what
// core::find_invalid_utf8 enforces; naming the case helps tell Latin-1 from a cut-off file.
std::string describe_invalid_utf8(std::string_view rest) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(rest[i]); };
  const std::uint8_t lead = byte(0);
  if (is_continuation(lead)) return "lone continuation byte " + hex_byte(lead);
  if (lead == 0xC0 || lead == 0xC1) return "overlong encoding (lead byte " + hex_byte(lead) + ")";
  if (lead >= 0xF5) return "byte " + hex_byte(lead) + " never occurs in UTF-8";
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  const std::string truncated = "truncated sequence (lead byte " + hex_byte(lead) + " must be followed by " +
                                std::to_string(length - 1) + " continuation byte" + (length > 2 ? "s" : "") + ")";
  if (rest.size() < 2 || !is_continuation(byte(1))) return truncated;
  const std::uint8_t second = byte(1);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xF0 && second < 0x90)) {
    return "overlong encoding (lead byte " + hex_byte(lead) + " followed by " + hex_byte(second) + ")";
  }
  if (lead == 0xED && second > 0x9F) return "UTF-16 surrogate (U+D800..U+DFFF) encoded as UTF-8";
  if (lead == 0xF4 && second > 0x8F) return "code point above U+10FFFF";
  return truncated;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += "\"" + name + "\"";
  }
  return out;
}

std::optional<std::size_t> find_column(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header.begin());
}

}  // namespace

SourceText check_source(const std::filesystem::path& file, std::string_view bytes) {
  if (const auto bad = core::find_invalid_utf8(bytes)) {
    const std::string_view before = bytes.substr(0, *bad);
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const std::size_t last_newline = before.rfind('\n');
    const std::size_t column = *bad - (last_newline == std::string_view::npos ? 0 : last_newline + 1) + 1;
    throw Error(ErrorKind::bad_input,
                "invalid UTF-8 at byte column " + std::to_string(column) + ": " +
                    describe_invalid_utf8(bytes.substr(*bad)) + "; the file must be UTF-8 encoded",
                InputLocation{file, line, ""});
  }
  SourceText source{file, bytes, 0};
  if (bytes.starts_with(kBom)) {
    source.content = bytes.substr(kBom.size());
    source.bom_bytes = kBom.size();
  }
  if (is_blank(source.content)) throw Error(ErrorKind::bad_input, "file is empty", InputLocation{file, 0, ""});
  return source;
}

ColumnIndices locate_columns(const std::filesystem::path& file, std::int64_t header_line,
                             const std::vector<std::string>& header, const ReadOptions& options) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) continue;  // pandas writes an unnamed index column; several are harmless
    for (std::size_t j = 0; j < i; ++j) {
      if (header[j] == header[i]) {
        throw Error(ErrorKind::bad_input,
                    "duplicate column name in the header (columns " + std::to_string(j + 1) + " and " +
                        std::to_string(i + 1) + ")",
                    InputLocation{file, header_line, header[i]});
      }
    }
  }
  const auto text = find_column(header, options.text_column);
  const auto label = find_column(header, options.label_column);
  if (text && label) return {*text, *label};
  if (text && options.label_optional) return {*text, ColumnIndices::kAbsent};
  const std::string& missing = text ? options.label_column : options.text_column;
  std::string message = "no such column in the header (columns: " + quoted_list(header) + ")";
  if (!text && !label) {
    // Neither column is there: most often the file starts with data, not a header.
    message += "; the first line must be a header naming the columns \"" + options.text_column + "\" and \"" +
               options.label_column + "\"";
  } else {
    message += core::did_you_mean(missing, header);
  }
  throw Error(ErrorKind::bad_input, message, InputLocation{file, header_line, missing});
}

void require_records(const std::filesystem::path& file, std::int64_t header_line, const std::vector<Record>& records) {
  if (records.empty()) {
    throw Error(ErrorKind::bad_input, "no records after the header", InputLocation{file, header_line, ""});
  }
}

void check_field_count(const std::filesystem::path& file, std::int64_t line, std::size_t expected, std::size_t got,
                       std::string_view hint_if_more) {
  if (got == expected) return;
  std::string message = "expected " + std::to_string(expected) + " fields as in the header, got " + std::to_string(got);
  if (got > expected) message += "; " + std::string(hint_if_more);
  throw Error(ErrorKind::bad_input, message, InputLocation{file, line, ""});
}

void check_field_size(const std::filesystem::path& file, std::int64_t line, const std::string& column,
                      std::size_t field_bytes, const ReadOptions& options, std::string_view hint) {
  if (field_bytes <= options.max_field_bytes) return;
  std::string message = "field is longer than " + std::to_string(options.max_field_bytes) + " bytes (max_field_bytes)";
  if (!hint.empty()) message += "; " + std::string(hint);
  throw Error(ErrorKind::bad_input, message, InputLocation{file, line, column});
}

void keep_other_fields(Record& record, const std::vector<std::string>& header, const ColumnIndices& columns,
                       const ReadOptions& options, const std::function<std::string(std::size_t)>& field) {
  if (!options.keep_other_fields) return;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (i == columns.text || i == columns.label || header[i].empty()) continue;
    record.other_fields.emplace_back(header[i], field(i));
  }
}

void check_record(const std::filesystem::path& file, const Record& record, const ReadOptions& options,
                  bool has_label) {
  const auto check = [&](std::string_view value, const std::string& column, const char* what) {
    if (value.empty()) {
      throw Error(ErrorKind::bad_input, std::string(what) + " is empty", InputLocation{file, record.line, column});
    }
    // Unicode's white space and zero-width characters too: a text of no-break spaces shows nothing.
    if (core::is_blank_text(value)) {
      throw Error(ErrorKind::bad_input, std::string(what) + " is only whitespace",
                  InputLocation{file, record.line, column});
    }
  };
  check(record.text, options.text_column, "text");
  if (has_label) check(record.label, options.label_column, "label");
}

bool is_blank(std::string_view text) noexcept {
  return text.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos;
}

}  // namespace blindspot::data::detail
