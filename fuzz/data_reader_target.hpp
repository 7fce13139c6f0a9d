#pragma once

// The three dataset-reader targets (data_csv, data_tsv, data_jsonl) differ only in the file's
// extension: each reads its input the three ways the product does.

#include "blindspot/core/utf8.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "fuzz_support.hpp"

#include <optional>

namespace blindspot::fuzz {

// What every record a reader returns must satisfy (include/blindspot/data/dataset_reader.hpp).
inline void check_records(const std::vector<data::Record>& records, bool label_optional) {
  require(!records.empty(), "a read file has records");
  for (const data::Record& record : records) {
    require(record.line >= 1, "a record has a line number");
    require(core::is_valid_utf8(record.text) && core::is_valid_utf8(record.label), "records are valid UTF-8");
    require(record.text.find_first_not_of(" \t\r\n\v\f") != std::string::npos, "a record's text is not blank");
    if (!label_optional) require(!record.label.empty(), "a record has a label");
  }
}

inline void check_split(const data::Split& split) {
  require(!split.examples.empty(), "a split has examples");
  for (const data::Example& example : split.examples) {
    require(example.label >= 0 && static_cast<std::size_t>(example.label) < split.labels.size(),
            "an example's label indexes the split's labels");
  }
}

inline void read_data_file(const std::uint8_t* data, std::size_t size, std::string_view file_name) {
  static InputFile input(file_name);
  const std::filesystem::path& file = input.write(data, size);
  // train: the labels come from the file.
  accept_input_errors([&] { check_split(data::read_training_split(file, std::nullopt)); });
  // dev and test: the labels come from the model (an unknown one gets a "did you mean").
  static const data::LabelSet model_labels({"negative", "positive"});
  accept_input_errors([&] { check_split(data::read_split(file, model_labels)); });
  // An imported teacher's file: labels optional, every other column kept.
  data::ReadOptions imported;
  imported.label_optional = true;
  imported.keep_other_fields = true;
  accept_input_errors([&] { check_records(data::read_records(file, imported), true); });
}

}  // namespace blindspot::fuzz
