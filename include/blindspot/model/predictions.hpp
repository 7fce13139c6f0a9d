#pragma once

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/data/label_set.hpp"
#include "blindspot/model/classifier.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::model {

// A predictions file (docs/data-formats.md, "Predictions files") is a model's probabilities for
// every row of one split, computed elsewhere (as cleanlab's `pred_probs`): scan and eval work from
// it without querying any model.

// How the rows of a predictions file name the rows of their split.
enum class PredictionKey {
  row_id,  // column or key "id": the 0-based row index in the split file (blank lines and the header
           // do not count)
  text,    // column or key "text": the row's text, exactly as in the split
};

// "id", "text"
const char* to_string(PredictionKey key) noexcept;

// How read_predictions() reads and checks a predictions file.
struct PredictionsOptions {
  // nullopt: by the extension, as for data files (.csv, .tsv/.tab, .jsonl/.json/.ndjson).
  std::optional<data::FileFormat> format;
  // The model's labels, in the order its probabilities are reported; empty: the split's distinct
  // labels, sorted by bytes (as `blindspot train` orders them). The file's label columns must be
  // exactly these.
  std::vector<std::string> labels;
  // A row's probabilities must sum to 1 within this (float32 models round at about 1e-7).
  double sum_tolerance = 1e-3;
};

// A predictions file matched to its split, row by row.
struct Predictions {
  std::filesystem::path file;
  PredictionKey key = PredictionKey::row_id;
  data::Split split;                         // the split the file answers for, read against `labels`
  std::vector<Probabilities> probabilities;  // one per split row, in split order and split.labels order
};

// Reads `predictions_file` for the split in `split_file` (read with `split_read`). Throws
// Error{bad_input} naming the predictions file, the line and the column for: a file that is empty or
// malformed (as data files, plus a JSON value that is not a number), no "id" or "text" column, a label
// column that is not a label, a label without a column, a row id that is not a row of the split or
// a text that is not in it, a row given twice, a probability that is not a finite non-negative number,
// probabilities not summing to 1 within options.sum_tolerance, and (naming the first few) split rows
// without a prediction. Throws what data::read_split throws for the split, Error{io} if a file
// cannot be read.
Predictions read_predictions(const std::filesystem::path& predictions_file, const std::filesystem::path& split_file,
                             const PredictionsOptions& options = {}, const data::ReadOptions& split_read = {});

// A Classifier that answers from a predictions file: predict_batch() and probabilities() give the
// file's probabilities for the texts of its split; any other text, train(), save() and load() throw
// Error{usage} "this command must query the model: ...; give --model". Its identity's source is
// "predictions:FILE".
std::unique_ptr<Classifier> make_predictions_classifier(Predictions predictions);

}  // namespace blindspot::model
