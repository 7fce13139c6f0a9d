#pragma once

#include "blindspot/data/example.hpp"
#include "blindspot/data/label_set.hpp"
#include "blindspot/discover/uu_scan.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::eval {

// Is the model worth finding blind spots in? A model at the majority-class rate, one that never
// predicts a class, or one that has not learned its own training set has no blind spots worth
// teaching: every later number would measure a model that barely learned (docs/eval.md,
// "Is the baseline sound?").

// Where a model falls short; the defaults are those of eval, run and experiment, chosen by
// measurement on the shared datasets (docs/baseline.md).
struct BaselineCheckOptions {
  // A class whose recall on the evaluated split is below this is reported.
  double recall_floor = 0.2;
  // Training-set accuracy below this is underfitting.
  double underfit_train_accuracy = 0.9;
  // Test accuracy at or below majority rate + this margin is reported.
  double majority_margin = 0.0;
  // How the warnings name the evaluated split ("test accuracy 0.48 ...").
  std::string split = "test";
};

struct ClassRecall {
  std::string label;
  std::int64_t support = 0;  // rows of the class in the split
  double recall = 0;
};

struct BaselineCheck {
  double accuracy = 0;                   // on the evaluated split
  double majority_rate = 0;              // share of the split's rows labelled majority_label
  std::string majority_label;            // the train split's most frequent label (first in label order on a tie)
  std::optional<double> train_accuracy;  // nullopt when the train split was not scored
  std::vector<ClassRecall> recall;       // per label, in the label set's order
  // Plain-language warnings, one per problem found ("test accuracy 0.48 is at or below the
  // majority-class rate 0.50 (always answering \"positive\")"); empty when the model is sound.
  std::vector<std::string> warnings;

  bool falls_short() const noexcept { return !warnings.empty(); }
};

// Checks a model's scan of a labelled split against the majority-class rate of `train` (the rate a
// model that always answers train's most frequent label reaches on the split), the recall floor of
// every class with rows in the split, and, when `train_scan` is given (the model's scan of the
// train split, or of a sample of it), the underfitting bound. `labels` are the scans' labels (the
// model's); train's labels are matched to them by name. Throws Error{bad_input} when `train` or
// `scan` has no rows.
BaselineCheck check_baseline(const data::LabelSet& labels, const data::Split& train, const discover::ScanResult& scan,
                             const discover::ScanResult* train_scan, const BaselineCheckOptions& options = {});

// Train rows scored for the train-set accuracy: a seeded sample of at most this many (all rows of
// a smaller split). 2,000 rows put the accuracy within about +-1.3 points (95%) at 0.9, and keep a
// remote model's extra queries to one batch run.
inline constexpr std::size_t kTrainSampleRows = 2000;

// The model's scan of a seeded sample (discover::sample_rows) of at most `max_rows` rows of
// `train`, read with the model's labels. Throws what discover::scan throws.
discover::ScanResult scan_train_sample(const model::Classifier& model, const data::Split& train, std::size_t max_rows,
                                       std::uint64_t seed, int threads);

// The check as JSON (the key `baseline_check` of eval --json and of the loop's records) and back.
std::string to_json(const BaselineCheck& check);
// Throws Error{bad_input} when `json` is not what to_json() wrote.
BaselineCheck baseline_check_from_json(const std::string& json);

}  // namespace blindspot::eval
