#pragma once

#include "blindspot/data/label_set.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace blindspot::data {

// One record of a dataset file as read, before its label is checked against a label set.
struct Record {
  std::string text;
  std::string label;
  std::int64_t line = 0;  // 1-based line where the record starts (the header is line 1 in CSV/TSV)
  // The record's other columns (keys), in file order, with ReadOptions::keep_other_fields.
  std::vector<std::pair<std::string, std::string>> other_fields = {};
};

// A labelled example; `label` indexes the split's LabelSet.
struct Example {
  std::string text;
  int label = 0;
  std::int64_t line = 0;  // 1-based line of the record in `Split::file`
};

// One split (train, dev, test or any labelled file) with its labels resolved.
struct Split {
  std::string name;              // "train", "dev", "test", or the file's stem
  std::filesystem::path file;    // where it was read from
  std::string content_hash;      // SHA-256 of the file's bytes
  LabelSet labels;
  std::vector<Example> examples;
};

}  // namespace blindspot::data
