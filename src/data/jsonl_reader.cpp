// JSON Lines: one JSON object per non-blank line, as LLM tooling and `jq -c` write them.
// nlohmann::json stays in this file; the rest of the module sees Records only.

#include "record_parsing.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/line_reader.hpp"
#include "blindspot/data/json_line_error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace blindspot::data::detail {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;
using nlohmann::json;

// "an array", "a number", ... for messages.
std::string kind_of(const json& value) {
  const std::string name = value.type_name();
  if (value.is_number()) return "a number";
  if (value.is_null()) return "null";
  const bool vowel = name.find_first_of("aeiou") == 0;
  return (vowel ? "an " : "a ") + name;
}

std::string key_list(const json& object) {
  std::string out;
  for (const auto& item : object.items()) {
    if (!out.empty()) out += ", ";
    out += "\"" + item.key() + "\"";
  }
  return out.empty() ? "none" : out;
}

class JsonlLine {
 public:
  JsonlLine(const SourceText& source, const ReadOptions& options, std::int64_t line)
      : source_(source), options_(options), line_(line) {}

  Record parse(std::string_view row, std::size_t column_offset) const {
    json value;
    try {
      value = json::parse(row.begin(), row.end());
    } catch (const json::exception&) {
      // Also a number that overflows a double (out_of_range, not parse_error): an input error.
      throw data::json_line_error(source_.file, line_, row, column_offset);
    }
    if (!value.is_object()) {
      throw Error(ErrorKind::bad_input,
                  "expected a JSON object, got " + kind_of(value) + " (JSONL holds one object per line)",
                  InputLocation{source_.file, line_, ""});
    }
    Record record{text_of(value), label_of(value), line_, {}};
    if (options_.keep_other_fields) {
      for (const auto& item : value.items()) {
        if (item.key() == options_.text_column || item.key() == options_.label_column) continue;
        record.other_fields.emplace_back(item.key(),
                                         item.value().is_string() ? item.value().get<std::string>() : item.value().dump());
      }
    }
    check_field_size(source_.file, line_, options_.text_column, record.text.size(), options_);
    check_field_size(source_.file, line_, options_.label_column, record.label.size(), options_);
    check_record(source_.file, record, options_,
                 !options_.label_optional || value.contains(options_.label_column));
    return record;
  }

 private:
  const json& member(const json& object, const std::string& key) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      throw Error(ErrorKind::bad_input, "key is missing (keys: " + key_list(object) + ")",
                  InputLocation{source_.file, line_, key});
    }
    return *it;
  }

  std::string text_of(const json& object) const {
    const json& text = member(object, options_.text_column);
    if (!text.is_string()) {
      throw Error(ErrorKind::bad_input, "text must be a JSON string, got " + kind_of(text),
                  InputLocation{source_.file, line_, options_.text_column});
    }
    return text.get<std::string>();
  }

  // Integer labels (0/1 in many exports) become their decimal string, so they match a label
  // set written as strings.
  std::string label_of(const json& object) const {
    if (options_.label_optional && !object.contains(options_.label_column)) return {};
    const json& label = member(object, options_.label_column);
    if (label.is_string()) return label.get<std::string>();
    if (label.is_number_unsigned()) return std::to_string(label.get<std::uint64_t>());
    if (label.is_number_integer()) return std::to_string(label.get<std::int64_t>());
    throw Error(ErrorKind::bad_input, "label must be a JSON string or integer, got " + kind_of(label),
                InputLocation{source_.file, line_, options_.label_column});
  }

  const SourceText& source_;
  const ReadOptions& options_;
  std::int64_t line_;
};

}  // namespace

std::vector<Record> parse_jsonl(const SourceText& source, const ReadOptions& options) {
  const std::string_view text = source.content;
  std::vector<Record> records;
  core::LineReader lines(text);
  while (const auto row = lines.next()) {
    const std::int64_t line = lines.number();
    if (is_blank(*row)) continue;
    // nlohmann counts columns from 1; on line 1 the skipped BOM still occupies bytes.
    const std::size_t column_offset = line == 1 ? source.bom_bytes : 0;
    records.push_back(JsonlLine(source, options, line).parse(*row, column_offset));
  }
  return records;
}

}  // namespace blindspot::data::detail
