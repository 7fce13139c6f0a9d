// Predictions files: a model's probabilities for every row of one split, read and checked row by
// row, and the Classifier that answers from them. CSV and TSV go through data::read_records (so
// quoting, UTF-8 and field-count errors read as for data files); JSONL is read here because its
// ids may be JSON integers and its probabilities JSON numbers or a "probabilities" object.

#include "blindspot/core/edit_distance.hpp"
#include "blindspot/core/error.hpp"
#include "blindspot/core/line_reader.hpp"
#include "blindspot/core/number_format.hpp"
#include "blindspot/core/read_file.hpp"
#include "blindspot/core/utf8.hpp"
#include "blindspot/data/json_line_error.hpp"
#include "blindspot/model/predictions.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <iterator>
#include <sstream>
#include <unordered_map>
#include <utility>

namespace blindspot::model {
namespace {

using core::Error;
using core::ErrorKind;
using core::InputLocation;
using nlohmann::json;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr const char* kProbabilitiesKey = "probabilities";
// How many split rows without a prediction an error names.
constexpr std::size_t kMissingRowsShown = 5;

// One row of a predictions file before it is matched to the split: its key (row id or text) and
// its probabilities by label name.
struct RawRow {
  std::int64_t line = 0;
  std::string key;
  std::optional<std::string> text;  // the "text" of a row keyed by id, checked against the split
  std::vector<std::pair<std::string, double>> values;
};

struct RawFile {
  PredictionKey key = PredictionKey::row_id;
  std::int64_t header_line = 0;  // CSV and TSV: where the column names are
  std::vector<RawRow> rows;
};

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "\"" : ", \"") + name + "\"";
  return out;
}

// With core::read_file's limits: a device or a FIFO without a writer is refused at once.
std::string read_bytes(const std::filesystem::path& file) { return core::read_file(file); }

data::FileFormat format_of(const std::filesystem::path& file, const PredictionsOptions& options) {
  if (options.format) return *options.format;
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".csv") return data::FileFormat::csv;
  if (extension == ".tsv" || extension == ".tab") return data::FileFormat::tsv;
  if (extension == ".jsonl" || extension == ".json" || extension == ".ndjson") return data::FileFormat::jsonl;
  throw Error(ErrorKind::bad_input,
              "cannot tell the file format from the extension \"" + file.extension().string() +
                  "\" (expected .csv, .tsv, .tab, .jsonl, .json or .ndjson)",
              InputLocation{file, 0, ""});
}

PredictionKey key_of(const std::filesystem::path& file, std::int64_t line, const std::vector<std::string>& names) {
  if (std::find(names.begin(), names.end(), "id") != names.end()) return PredictionKey::row_id;
  if (std::find(names.begin(), names.end(), "text") != names.end()) return PredictionKey::text;
  throw Error(ErrorKind::bad_input,
              "no \"id\" or \"text\" column (columns: " + quoted_list(names) +
                  "); each row names its split row by \"id\" (0-based row index) or by its \"text\"",
              InputLocation{file, line, ""});
}

// The names of a CSV or TSV header line (quotes are undone; a header cannot span lines here).
std::vector<std::string> header_names(std::string_view content, data::FileFormat format, std::int64_t& header_line) {
  if (content.starts_with(kBom)) content.remove_prefix(kBom.size());
  // Blank lines before the header are skipped, as data::read_records does.
  std::string_view line;
  core::LineReader lines(content);
  while (const auto next = lines.next()) {
    line = *next;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t\v\f") != std::string_view::npos) break;
  }
  header_line = std::max<std::int64_t>(lines.number(), 1);
  const char separator = format == data::FileFormat::tsv ? '\t' : ',';
  std::vector<std::string> names(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (format == data::FileFormat::csv && c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        names.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == separator && !quoted) {
      names.emplace_back();
    } else {
      names.back() += c;
    }
  }
  return names;
}

double parse_probability(const std::filesystem::path& file, std::int64_t line, const std::string& label,
                         const std::string& cell) {
  double value = 0;
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || error != std::errc() || end != cell.data() + cell.size()) {
    throw Error(ErrorKind::bad_input, "probability is not a number: \"" + cell + "\"",
                InputLocation{file, line, label});
  }
  return value;
}

// CSV and TSV: the header (line 1) names the key and the labels; data::read_records reads the
// rows with the key as its text column, so every other column comes back as a field.
RawFile read_delimited(const std::filesystem::path& file, data::FileFormat format) {
  std::int64_t header_line = 1;
  const std::vector<std::string> header = header_names(read_bytes(file), format, header_line);
  data::ReadOptions read;
  read.format = format;
  read.label_optional = true;
  read.keep_other_fields = true;
  RawFile raw;
  raw.header_line = header_line;
  // An empty or malformed file is reported by read_records before the header is judged.
  raw.key = std::find(header.begin(), header.end(), "id") != header.end() ? PredictionKey::row_id : PredictionKey::text;
  read.text_column = read.label_column = to_string(raw.key);
  std::vector<data::Record> records;
  try {
    records = data::read_records(file, read);
  } catch (const Error& error) {
    // Without either key column the reader's "no such column" would name only one of them.
    if (error.where() && error.where()->field == read.text_column) key_of(file, error.where()->line, header);
    throw;
  }
  for (auto& record : records) {
    RawRow row{record.line, std::move(record.text), std::nullopt, {}};
    for (auto& [name, cell] : record.other_fields) {
      if (raw.key == PredictionKey::row_id && name == "text") {
        row.text = std::move(cell);
      } else {
        row.values.emplace_back(name, parse_probability(file, record.line, name, cell));
      }
    }
    raw.rows.push_back(std::move(row));
  }
  return raw;
}

std::string json_kind(const json& value) {
  if (value.is_number()) return "a number";
  if (value.is_null()) return "null";
  const std::string name = value.type_name();
  return (name.find_first_of("aeiou") == 0 ? "an " : "a ") + name;
}

std::string json_key(const std::filesystem::path& file, std::int64_t line, PredictionKey key, const json& object) {
  const std::string name = to_string(key);
  const json& value = object.at(name);
  if (value.is_string()) return value.get<std::string>();
  if (key == PredictionKey::row_id && value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  throw Error(ErrorKind::bad_input,
              std::string(key == PredictionKey::row_id ? "row id must be a non-negative JSON integer"
                                                       : "text must be a JSON string") +
                  ", got " + json_kind(value),
              InputLocation{file, line, name});
}

RawRow json_row(const std::filesystem::path& file, std::int64_t line, PredictionKey key, const json& object) {
  const std::string key_name = to_string(key);
  if (!object.contains(key_name)) {
    throw Error(ErrorKind::bad_input, "key is missing (the first row names its split row by \"" + key_name + "\")",
                InputLocation{file, line, key_name});
  }
  RawRow row{line, json_key(file, line, key, object), std::nullopt, {}};
  const bool nested = object.contains(kProbabilitiesKey);
  if (nested && !object[kProbabilitiesKey].is_object()) {
    throw Error(ErrorKind::bad_input,
                "must be a JSON object {label: probability}, got " + json_kind(object[kProbabilitiesKey]),
                InputLocation{file, line, kProbabilitiesKey});
  }
  for (const auto& item : (nested ? object[kProbabilitiesKey] : object).items()) {
    if (!nested && item.key() == key_name) continue;
    if (key == PredictionKey::row_id && item.key() == "text" && item.value().is_string()) {
      if (!nested) row.text = item.value().get<std::string>();
      continue;
    }
    if (!item.value().is_number()) {
      throw Error(ErrorKind::bad_input, "probability must be a JSON number, got " + json_kind(item.value()),
                  InputLocation{file, line, item.key()});
    }
    row.values.emplace_back(item.key(), item.value().get<double>());
  }
  if (nested && key == PredictionKey::row_id && object.contains("text") && object["text"].is_string()) {
    row.text = object["text"].get<std::string>();
  }
  return row;
}

json parse_json_line(const std::filesystem::path& file, std::int64_t line, std::string_view text) {
  json value;
  try {
    value = json::parse(text.begin(), text.end());
  } catch (const json::exception&) {
    throw data::json_line_error(file, line, text);  // also a number that overflows a double
  }
  if (!value.is_object()) {
    throw Error(ErrorKind::bad_input, "expected a JSON object, got " + json_kind(value) + " (one object per line)",
                InputLocation{file, line, ""});
  }
  return value;
}

RawFile read_jsonl(const std::filesystem::path& file) {
  const std::string bytes = read_bytes(file);
  if (const auto bad = core::find_invalid_utf8(bytes)) {
    const auto line = 1 + std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(*bad), '\n');
    throw Error(ErrorKind::bad_input, "invalid UTF-8; the file must be UTF-8 encoded", InputLocation{file, line, ""});
  }
  std::string_view content = bytes;
  if (content.starts_with(kBom)) content.remove_prefix(kBom.size());
  RawFile raw;
  bool first = true;
  core::LineReader lines(content);
  while (auto text = lines.next()) {
    if (text->ends_with('\r')) text->remove_suffix(1);
    if (text->find_first_not_of(" \t\v\f") == std::string_view::npos) continue;
    const json object = parse_json_line(file, lines.number(), *text);
    if (first) {
      std::vector<std::string> keys;
      for (const auto& item : object.items()) keys.push_back(item.key());
      raw.key = key_of(file, lines.number(), keys);
      first = false;
    }
    raw.rows.push_back(json_row(file, lines.number(), raw.key, object));
  }
  if (first) throw Error(ErrorKind::bad_input, "file is empty", InputLocation{file, 0, ""});
  return raw;
}

// The label columns of one row (or of a CSV/TSV header) must be exactly the labels.
void check_label_names(const std::filesystem::path& file, std::int64_t line, const std::vector<std::string>& names,
                       const data::LabelSet& labels) {
  for (const auto& name : names) {
    if (labels.index_of(name)) continue;
    throw Error(ErrorKind::bad_input,
                "unknown label (labels: " + labels.joined() + ")" + core::did_you_mean(name, labels.names()) +
                    "; a split that lacks some of the model's labels needs them given (--model-labels)",
                InputLocation{file, line, name});
  }
  for (const auto& label : labels.names()) {
    if (std::find(names.begin(), names.end(), label) != names.end()) continue;
    throw Error(
        ErrorKind::bad_input,
        "no probability for this label (columns: " + quoted_list(names) + ")" + core::did_you_mean(label, names),
        InputLocation{file, line, label});
  }
}

Probabilities checked_probabilities(const std::filesystem::path& file, const RawRow& row, const data::LabelSet& labels,
                                    double tolerance) {
  Probabilities probabilities(labels.size(), 0.0);
  double sum = 0;
  for (const auto& [name, value] : row.values) {
    if (!std::isfinite(value) || value < 0) {
      throw Error(ErrorKind::bad_input,
                  std::string(std::isfinite(value) ? "probability is negative: " : "probability is not finite: ") +
                      core::format_shortest(value),
                  InputLocation{file, row.line, name});
    }
    probabilities[static_cast<std::size_t>(*labels.index_of(name))] = value;
    sum += value;
  }
  if (std::abs(sum - 1.0) > tolerance) {
    std::ostringstream message;
    message << "probabilities sum to " << sum << ", not 1 (within " << tolerance << ")";
    throw Error(ErrorKind::bad_input, message.str(), InputLocation{file, row.line, ""});
  }
  return probabilities;
}

// Matches each row of the file to its split rows and stores its probabilities there.
class RowMatcher {
 public:
  RowMatcher(const std::filesystem::path& file, PredictionKey key, const data::Split& split)
      : file_(file), key_(key), split_(split), lines_(split.examples.size(), 0), out_(split.examples.size()) {
    if (key_ == PredictionKey::text) {
      for (std::size_t row = 0; row < split.examples.size(); ++row)
        rows_by_text_[split.examples[row].text].push_back(row);
    }
  }

  void add(const RawRow& raw, Probabilities probabilities) {
    for (const std::size_t row : split_rows(raw)) {
      if (lines_[row] != 0 && !(key_ == PredictionKey::text && out_[row] == probabilities)) {
        throw Error(
            ErrorKind::bad_input,
            "row " + std::to_string(row) + " of the split is already predicted on line " + std::to_string(lines_[row]),
            InputLocation{file_, raw.line, to_string(key_)});
      }
      lines_[row] = raw.line;
      out_[row] = probabilities;
    }
  }

  // Throws for the first few split rows without a prediction.
  std::vector<Probabilities> finish() {
    std::vector<std::string> missing;
    std::size_t count = 0;
    for (std::size_t row = 0; row < lines_.size(); ++row) {
      if (lines_[row] != 0) continue;
      if (++count <= kMissingRowsShown) {
        missing.push_back(std::to_string(row) + " (" + split_.file.string() + ":" +
                          std::to_string(split_.examples[row].line) + ")");
      }
    }
    if (count == 0) return std::move(out_);
    std::string list;
    for (const auto& item : missing) list += (list.empty() ? "" : ", ") + item;
    throw Error(ErrorKind::bad_input,
                std::to_string(count) + " of the split's " + std::to_string(lines_.size()) +
                    " rows have no prediction; first missing rows: " + list + (count > missing.size() ? ", ..." : ""),
                InputLocation{file_, 0, ""});
  }

 private:
  std::vector<std::size_t> split_rows(const RawRow& raw) const {
    if (key_ == PredictionKey::text) {
      const auto it = rows_by_text_.find(raw.key);
      if (it == rows_by_text_.end()) {
        throw Error(ErrorKind::bad_input,
                    "text is not in the split " + split_.file.string() + ": \"" + raw.key.substr(0, 60) +
                        (raw.key.size() > 60 ? "...\"" : "\""),
                    InputLocation{file_, raw.line, "text"});
      }
      return it->second;
    }
    const std::size_t row = row_id(raw);
    if (raw.text && *raw.text != split_.examples[row].text) {
      throw Error(ErrorKind::bad_input,
                  "text differs from row " + std::to_string(row) + " of the split (" + split_.file.string() + ":" +
                      std::to_string(split_.examples[row].line) + "); ids are 0-based row indexes of the split file",
                  InputLocation{file_, raw.line, "text"});
    }
    return {row};
  }

  std::size_t row_id(const RawRow& raw) const {
    std::size_t row = 0;
    const auto [end, error] = std::from_chars(raw.key.data(), raw.key.data() + raw.key.size(), row);
    const bool parsed = !raw.key.empty() && error == std::errc() && end == raw.key.data() + raw.key.size();
    if (!parsed || row >= split_.examples.size()) {
      throw Error(ErrorKind::bad_input,
                  "row id \"" + raw.key + "\" is not a row of the split (" + split_.file.string() + " has " +
                      std::to_string(split_.examples.size()) + " rows: ids 0 to " +
                      std::to_string(split_.examples.size() - 1) + ", 0-based)",
                  InputLocation{file_, raw.line, "id"});
    }
    return row;
  }

  const std::filesystem::path& file_;
  PredictionKey key_;
  const data::Split& split_;
  std::vector<std::int64_t> lines_;  // the predictions file's line of each split row; 0: none yet
  std::vector<Probabilities> out_;
  std::unordered_map<std::string, std::vector<std::size_t>> rows_by_text_;
};

data::Split read_split_for(const std::filesystem::path& split_file, const PredictionsOptions& options,
                           const data::ReadOptions& split_read) {
  const std::vector<data::Record> records = data::read_records(split_file, split_read);
  std::vector<std::string> names;
  for (const auto& record : records) names.push_back(record.label);
  const data::LabelSet labels =
      options.labels.empty() ? data::LabelSet::sorted_from(names) : data::LabelSet(options.labels);
  return data::make_split(split_file.stem().string(), split_file, records, labels);
}

}  // namespace

const char* to_string(PredictionKey key) noexcept { return key == PredictionKey::row_id ? "id" : "text"; }

Predictions read_predictions(const std::filesystem::path& predictions_file, const std::filesystem::path& split_file,
                             const PredictionsOptions& options, const data::ReadOptions& split_read) {
  Predictions out{predictions_file, PredictionKey::row_id, read_split_for(split_file, options, split_read), {}};
  const data::FileFormat format = format_of(predictions_file, options);
  const RawFile raw =
      format == data::FileFormat::jsonl ? read_jsonl(predictions_file) : read_delimited(predictions_file, format);
  out.key = raw.key;
  const data::LabelSet& labels = out.split.labels;
  const bool one_header = format != data::FileFormat::jsonl;
  RowMatcher matcher(predictions_file, raw.key, out.split);
  for (std::size_t i = 0; i < raw.rows.size(); ++i) {
    const RawRow& row = raw.rows[i];
    if (!one_header || i == 0) {
      std::vector<std::string> names;
      for (const auto& value : row.values) names.push_back(value.first);
      check_label_names(predictions_file, one_header ? raw.header_line : row.line, names, labels);
    }
    matcher.add(row, checked_probabilities(predictions_file, row, labels, options.sum_tolerance));
  }
  out.probabilities = matcher.finish();
  return out;
}

}  // namespace blindspot::model
