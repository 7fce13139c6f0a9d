#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/data/label_set.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::data {

enum class FileFormat { csv, tsv, jsonl };

// How dataset files are read; the defaults fit ../shared/data.
struct ReadOptions {
  // Column (CSV/TSV header) or key (JSONL) holding the text.
  std::string text_column = "text";
  // Column or key holding the label. JSONL labels may be strings or integers.
  std::string label_column = "label";
  // nullopt: by extension (.csv, .tsv/.tab, .jsonl/.json/.ndjson).
  std::optional<FileFormat> format;
  // A field longer than this is rejected (guards against a runaway quote swallowing the file).
  std::size_t max_field_bytes = std::size_t{1} << 20;
  // Files without labels (imported hypotheses): when the label column or key is absent, records
  // get an empty label instead of an error. A label column that is present must still be filled.
  bool label_optional = false;
  // Keep every other column (key) in Record::other_fields (provenance of imported files);
  // JSON values that are not strings are kept as their JSON text.
  bool keep_other_fields = false;
};

// Reads every record of a CSV (RFC 4180, header row), TSV (header row, no quoting, fields
// must not contain tabs) or JSONL (one object per line) file. A UTF-8 BOM is skipped and CRLF
// accepted. Throws Error{bad_input} naming file, line and problem for: an empty file, a
// missing header or column, bad quoting, a wrong field count, invalid UTF-8, an empty text
// or label, an oversized field, a JSON syntax error or a non-object line. Error{io} if
// the file cannot be read.
std::vector<Record> read_records(const std::filesystem::path& file, const ReadOptions& options = {});

// Resolves labels against `labels`. Throws Error{bad_input} "file:line: column "label":
// unknown label "x" (labels: a, b; did you mean "y"?)" for the first unknown label.
Split make_split(std::string name, const std::filesystem::path& file, const std::vector<Record>& records,
                 const LabelSet& labels);

// Reads `file` and resolves its labels against `labels`.
Split read_split(const std::filesystem::path& file, const LabelSet& labels, const ReadOptions& options = {});

// The file of split `name` ("train", "dev", "test") in a dataset folder: the first of
// name.csv, name.tsv, name.jsonl that exists. Throws Error{bad_input} if none does.
std::filesystem::path find_split_file(const std::filesystem::path& directory, const std::string& name);

// A split given either as a file or as a dataset folder plus split name: `where` is a
// file -> that file; a folder -> find_split_file(where, default_split).
std::filesystem::path resolve_split_file(const std::filesystem::path& where, const std::string& default_split);

// Reads a training split: the label set is `labels` if given (an unknown label is then an
// error), else the sorted distinct labels of the file.
Split read_training_split(const std::filesystem::path& file, const std::optional<LabelSet>& labels,
                          const ReadOptions& options = {});

}  // namespace blindspot::data
