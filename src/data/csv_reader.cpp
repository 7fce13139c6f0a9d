// RFC 4180 CSV with a header row. The parser walks the file once with pointers and keeps
// fields as views into the file's bytes; only the text and label of each record are copied,
// and a quoted field is rebuilt only when it holds doubled quotes.

#include "record_parsing.hpp"

#include "blindspot/core/error.hpp"

#include <algorithm>

namespace blindspot::data::detail {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;

// A field as found in the file: for a quoted field, the bytes between the outer quotes.
struct Field {
  std::string_view raw;
  std::size_t doubled_quotes = 0;  // each "" stands for one quote

  std::size_t size() const noexcept { return raw.size() - doubled_quotes; }
};

std::string unescape(const Field& field) {
  if (field.doubled_quotes == 0) return std::string(field.raw);
  std::string out;
  out.reserve(field.size());
  std::size_t start = 0;
  while (start < field.raw.size()) {
    const std::size_t quote = field.raw.find('"', start);
    if (quote == std::string_view::npos) {
      out.append(field.raw.substr(start));
      break;
    }
    out.append(field.raw.substr(start, quote + 1 - start));  // keeps one quote of the pair
    start = quote + 2;
  }
  return out;
}

class CsvParser {
 public:
  CsvParser(const SourceText& source, const ReadOptions& options)
      : file_(source.file), text_(source.content), options_(options) {}

  std::vector<Record> parse() {
    next_record();
    header_.reserve(fields_.size());
    for (const Field& field : fields_) header_.push_back(unescape(field));
    const std::int64_t header_line = record_line_;
    const ColumnIndices columns = locate_columns(file_, header_line, header_, options_);

    std::vector<Record> records;
    while (next_record()) {
      check_field_count(file_, record_line_, header_.size(), fields_.size(), "quote fields that contain commas");
      Record record{unescape(fields_[columns.text]),
                    columns.label == ColumnIndices::kAbsent ? std::string() : unescape(fields_[columns.label]),
                    record_line_,
                    {}};
      keep_other_fields(record, header_, columns, options_, [&](std::size_t i) { return unescape(fields_[i]); });
      check_record(file_, record, options_, columns.label != ColumnIndices::kAbsent);
      records.push_back(std::move(record));
    }
    require_records(file_, header_line, records);
    return records;
  }

 private:
  // Reads the record at pos_ into fields_; false at the end of the file. Blank lines between
  // records are skipped: a record always has at least the text and label fields.
  bool next_record() {
    skip_blank_lines();
    if (pos_ >= text_.size()) return false;
    record_line_ = line_;
    fields_.clear();
    while (true) {
      fields_.push_back(pos_ < text_.size() && text_[pos_] == '"' ? read_quoted() : read_unquoted());
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      ++pos_;  // the LF ending the record
      ++line_;
      return true;
    }
  }

  void skip_blank_lines() {
    while (pos_ < text_.size()) {
      if (text_[pos_] == '\n') {
        ++pos_;
        ++line_;
      } else if (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n')) {
        ++pos_;
      } else {
        return;
      }
    }
  }

  // Stops at the comma or LF after the field, or at the end; a CR before the LF is dropped.
  Field read_unquoted() {
    const char* const begin = text_.data() + pos_;
    const char* const end = text_.data() + text_.size();
    const char* p = begin;
    while (p != end && *p != ',' && *p != '\n' && *p != '"') ++p;
    if (p != end && *p == '"') {
      throw error(
          "stray quote in an unquoted field; quote the whole field and double the quotes inside it "
          "(\"say \"\"hi\"\"\")");
    }
    std::string_view raw(begin, static_cast<std::size_t>(p - begin));
    if ((p == end || *p == '\n') && raw.ends_with('\r')) raw.remove_suffix(1);
    pos_ += static_cast<std::size_t>(p - begin);
    const Field field{raw, 0};
    check_field_size(file_, record_line_, column_name(), field.size(), options_);
    return field;
  }

  // pos_ is at the opening quote; leaves pos_ at the comma or LF after the closing quote.
  Field read_quoted() {
    const std::int64_t opened_on = line_;
    const std::size_t start = pos_ + 1;
    std::size_t cursor = start;
    std::size_t doubled = 0;
    while (true) {
      const std::size_t quote = text_.find('"', cursor);
      if (quote == std::string_view::npos) {
        std::string message = "quoted field is never closed (reached the end of the file)";
        if (opened_on != record_line_) message += "; its quote opens on line " + std::to_string(opened_on);
        throw error(message);
      }
      if (quote + 1 < text_.size() && text_[quote + 1] == '"') {
        ++doubled;
        cursor = quote + 2;
        continue;
      }
      const Field field{text_.substr(start, quote - start), doubled};
      line_ += std::count(field.raw.begin(), field.raw.end(), '\n');
      pos_ = quote + 1;
      check_field_size(file_, record_line_, column_name(), field.size(), options_, "is a closing quote missing?");
      expect_field_end();
      return field;
    }
  }

  void expect_field_end() {
    if (pos_ < text_.size() && text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n')) ++pos_;
    if (pos_ == text_.size() || text_[pos_] == ',' || text_[pos_] == '\n') return;
    throw error("text after the closing quote of a quoted field; a quote inside a quoted field must be doubled (\"\")");
  }

  // The header's name for the field being read, once the header is known.
  std::string column_name() const { return fields_.size() < header_.size() ? header_[fields_.size()] : ""; }

  Error error(const std::string& message) const {
    return Error(ErrorKind::bad_input, message, InputLocation{file_, record_line_, column_name()});
  }

  const std::filesystem::path& file_;
  std::string_view text_;
  const ReadOptions& options_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;         // physical line at pos_
  std::int64_t record_line_ = 1;  // first line of the record being read
  std::vector<Field> fields_;
  std::vector<std::string> header_;
};

}  // namespace

std::vector<Record> parse_csv(const SourceText& source, const ReadOptions& options) {
  return CsvParser(source, options).parse();
}

}  // namespace blindspot::data::detail
