#include "blindspot/teach/uu_source.hpp"

#include "blindspot/core/atomic_file.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/line_reader.hpp"
#include "blindspot/core/number_format.hpp"
#include "blindspot/core/read_file.hpp"
#include "blindspot/core/utf8.hpp"
#include "blindspot/data/json_line_error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace blindspot::teach {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;
using nlohmann::json;

class UuLine {
 public:
  UuLine(const std::filesystem::path& file, std::int64_t line, const data::LabelSet& labels)
      : file_(file), line_(line), labels_(labels) {}

  // nullopt for an attack that did not produce a UU.
  std::optional<discover::Uu> parse(std::string_view row) const {
    json value;
    try {
      value = json::parse(row.begin(), row.end());
    } catch (const json::exception&) {
      // Also a number that overflows a double (out_of_range, not parse_error): an input error.
      throw data::json_line_error(file_, line_, row);
    }
    if (!value.is_object())
      throw Error(ErrorKind::bad_input, "expected a JSON object", InputLocation{file_, line_, ""});
    const std::string split = string_of(value, "split");
    const std::int64_t row_index = integer_of(value, "row", 0, "a row number (0 or more)");
    discover::Uu uu;
    if (value.contains("outcome")) {
      if (string_of(value, "outcome") != "succeeded") return std::nullopt;
      uu.kind = discover::UuKind::adversarial;
      uu.id = split + ":" + std::to_string(row_index) + ":" + string_of(value, "recipe");
      uu.text = text_of(value, "perturbed_text");
      uu.original_text = string_of(value, "original_text");
      uu.marked_text = string_of(value, "marked_text");
      uu.true_label = label_of(value, "true_label");
      uu.predicted_label = label_of(value, "final_label");
      uu.confidence = number_of(value, "final_confidence");
      uu.edits = edits_of(value);
    } else {
      uu.kind = discover::UuKind::natural;
      uu.id = split + ":" + std::to_string(row_index) + ":natural";
      uu.text = text_of(value, "text");
      uu.true_label = label_of(value, "true_label");
      uu.predicted_label = label_of(value, "predicted_label");
      uu.confidence = number_of(value, "confidence");
    }
    if (value.contains("blind_spot")) {
      uu.blind_spot = static_cast<int>(integer_of(value, "blind_spot", -1, "a blind spot number (-1 for none)"));
    }
    // Written by `scan --label-issues`: both or neither.
    if (value.contains("label_issue") || value.contains("label_quality")) {
      uu.label_issue = boolean_of(value, "label_issue");
      uu.label_quality = number_of(value, "label_quality");
    }
    return uu;
  }

 private:
  const json& member(const json& object, const char* key) const {
    const auto it = object.find(key);
    if (it == object.end()) throw Error(ErrorKind::bad_input, "key is missing", InputLocation{file_, line_, key});
    return *it;
  }
  std::string string_of(const json& object, const char* key) const {
    const json& value = member(object, key);
    if (!value.is_string())
      throw Error(ErrorKind::bad_input, "must be a JSON string", InputLocation{file_, line_, key});
    return value.get<std::string>();
  }
  bool boolean_of(const json& object, const char* key) const {
    const json& value = member(object, key);
    if (!value.is_boolean())
      throw Error(ErrorKind::bad_input, "must be true or false", InputLocation{file_, line_, key});
    return value.get<bool>();
  }
  // An integer in [minimum, INT32_MAX]: row numbers and blind spots are ints downstream.
  std::int64_t integer_of(const json& object, const char* key, std::int64_t minimum, const char* what) const {
    const json& value = member(object, key);
    if (!value.is_number_integer()) {
      throw Error(ErrorKind::bad_input, "must be a JSON integer", InputLocation{file_, line_, key});
    }
    // Read as unsigned first: 2^64 - 1 would wrap to -1 as an int64.
    const bool fits = !value.is_number_unsigned() || value.get<std::uint64_t>() <= std::uint64_t{INT32_MAX};
    const std::int64_t number = fits ? value.get<std::int64_t>() : 0;
    if (!fits || number < minimum || number > INT32_MAX) {
      throw Error(ErrorKind::bad_input, std::string("must be ") + what + ", got " + value.dump(),
                  InputLocation{file_, line_, key});
    }
    return number;
  }
  // A UU's text: a string that shows something.
  std::string text_of(const json& object, const char* key) const {
    std::string text = string_of(object, key);
    if (core::is_blank_text(text)) {
      throw Error(ErrorKind::bad_input, text.empty() ? "text is empty" : "text is only whitespace",
                  InputLocation{file_, line_, key});
    }
    return text;
  }
  double number_of(const json& object, const char* key) const {
    const json& value = member(object, key);
    if (!value.is_number())
      throw Error(ErrorKind::bad_input, "must be a JSON number", InputLocation{file_, line_, key});
    const double number = value.get<double>();
    if (!(number >= 0 && number <= 1)) {
      throw Error(ErrorKind::bad_input, "must be a probability in [0, 1], got " + core::format_shortest(number),
                  InputLocation{file_, line_, key});
    }
    return number;
  }
  std::string label_of(const json& object, const char* key) const {
    std::string label = string_of(object, key);
    if (!labels_.index_of(label)) {
      throw Error(ErrorKind::bad_input, "unknown label \"" + label + "\" (labels: " + labels_.joined() + ")",
                  InputLocation{file_, line_, key});
    }
    return label;
  }
  std::vector<discover::UuEdit> edits_of(const json& object) const {
    const json& edits = member(object, "edits");
    if (!edits.is_array())
      throw Error(ErrorKind::bad_input, "must be a JSON array", InputLocation{file_, line_, "edits"});
    std::vector<discover::UuEdit> out;
    for (const json& edit : edits) {
      if (!edit.is_object()) {
        throw Error(ErrorKind::bad_input, "each edit must be a JSON object", InputLocation{file_, line_, "edits"});
      }
      out.push_back({string_of(edit, "original"), string_of(edit, "replacement"), string_of(edit, "operation")});
    }
    return out;
  }

  const std::filesystem::path& file_;
  std::int64_t line_;
  const data::LabelSet& labels_;
};

std::vector<discover::UuEdit> edits_from_json(const std::string& text) {
  std::vector<discover::UuEdit> edits;
  for (const json& edit : json::parse(text)) {
    edits.push_back({edit.at("original").get<std::string>(), edit.at("replacement").get<std::string>(),
                     edit.at("operation").get<std::string>()});
  }
  return edits;
}

// The UUs of a file and how many records it holds (blank lines aside).
struct UuLines {
  std::vector<discover::Uu> uus;
  std::int64_t records = 0;
};

UuLines read_uu_lines(const std::filesystem::path& file, const data::LabelSet& labels) {
  // A file given on the command line is also hashed, so its bytes are needed twice: no pipes.
  const std::string content = core::read_file(file, {.max_bytes = core::max_input_bytes(), .allow_streams = false});
  UuLines out;
  core::LineReader lines(content);
  while (const auto row = lines.next()) {
    if (row->find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++out.records;
    if (auto uu = UuLine(file, lines.number(), labels).parse(*row)) out.uus.push_back(std::move(*uu));
  }
  return out;
}

}  // namespace

std::vector<discover::Uu> read_uus_jsonl(const std::filesystem::path& file, const data::LabelSet& labels) {
  return read_uu_lines(file, labels).uus;
}

std::vector<discover::Uu> read_uus_file(const std::filesystem::path& file, const data::LabelSet& labels) {
  UuLines lines = read_uu_lines(file, labels);
  if (lines.records == 0) throw Error(ErrorKind::bad_input, "file is empty", InputLocation{file, 0, ""});
  if (lines.uus.empty()) {
    throw Error(ErrorKind::bad_input,
                "no UUs in " + std::to_string(lines.records) + " records (no attack succeeded, or not a UU file)",
                InputLocation{file, 0, ""});
  }
  return std::move(lines.uus);
}

std::vector<discover::Uu> read_uus_from_run(store::Database& db, std::int64_t run_id, const data::LabelSet& labels) {
  auto query = db.prepare(
      "SELECT u.split, u.row_index, u.kind, u.text, u.true_label, u.predicted_label, u.confidence, a.recipe, "
      "a.original_text, a.marked_text, a.edits FROM uus u LEFT JOIN attacks a ON u.kind = 'adversarial' AND "
      "a.run_id = u.run_id AND a.split = u.split AND a.row_index = u.row_index AND a.outcome = 'succeeded' "
      "WHERE u.run_id = ? ORDER BY u.kind = 'adversarial', u.split, u.row_index, a.recipe");
  query.bind(1, run_id);
  std::vector<discover::Uu> uus;
  while (query.step()) {
    discover::Uu uu;
    const std::string split = query.column_text(0);
    const std::string row = std::to_string(query.column_int64(1));
    uu.kind = query.column_text(2) == "adversarial" ? discover::UuKind::adversarial : discover::UuKind::natural;
    uu.text = query.column_text(3);
    uu.true_label = query.column_text(4);
    uu.predicted_label = query.column_text(5);
    uu.confidence = query.column_double(6);
    for (const std::string* label : {&uu.true_label, &uu.predicted_label}) {
      if (!labels.index_of(*label)) {
        throw Error(ErrorKind::bad_input, "run " + std::to_string(run_id) + " stored a UU with label \"" + *label +
                                              "\", which the model does not know (labels: " + labels.joined() + ")");
      }
    }
    if (uu.kind == discover::UuKind::adversarial && !query.is_null(7)) {
      uu.id = split + ":" + row + ":" + query.column_text(7);
      uu.original_text = query.column_text(8);
      uu.marked_text = query.column_text(9);
      uu.edits = edits_from_json(query.column_text(10));
    } else {
      uu.id = split + ":" + row + ":" + query.column_text(2);
    }
    uus.push_back(std::move(uu));
  }
  if (uus.empty()) {
    throw Error(ErrorKind::bad_input, "run " + std::to_string(run_id) +
                                          " stored no UUs (teach needs a scan, attack or eval run that found some)");
  }
  return uus;
}

void write_uus_jsonl(const std::filesystem::path& file, const std::vector<discover::Uu>& uus) {
  core::AtomicFile out(file);
  for (const discover::Uu& uu : uus) {
    const std::optional<discover::UuIdParts> id = discover::parse_uu_id(uu.id);
    if (!id) throw Error(ErrorKind::internal, "UU id \"" + uu.id + "\" is not <split>:<row>:<kind>");
    nlohmann::ordered_json line = {{"split", id->split}, {"row", id->row}};
    if (uu.kind == discover::UuKind::adversarial) {
      nlohmann::ordered_json edits = nlohmann::ordered_json::array();
      for (const discover::UuEdit& edit : uu.edits) {
        edits.push_back(
            {{"original", edit.original}, {"replacement", edit.replacement}, {"operation", edit.operation}});
      }
      line["recipe"] = id->kind;
      line["outcome"] = "succeeded";
      line["true_label"] = uu.true_label;
      line["final_label"] = uu.predicted_label;
      line["final_confidence"] = uu.confidence;
      line["original_text"] = uu.original_text;
      line["perturbed_text"] = uu.text;
      line["marked_text"] = uu.marked_text;
      line["edits"] = edits;
    } else {
      line["text"] = uu.text;
      line["true_label"] = uu.true_label;
      line["predicted_label"] = uu.predicted_label;
      line["confidence"] = uu.confidence;
    }
    line["blind_spot"] = uu.blind_spot;
    if (uu.label_quality >= 0) {
      line["label_issue"] = uu.label_issue;
      line["label_quality"] = uu.label_quality;
    }
    out.stream() << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  }
  out.commit();
}

}  // namespace blindspot::teach
