#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/model/classifier.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace blindspot::discover {

// The paper's IMDb artefacts keep flips with wrong-class confidence >= 0.65 (BRIEF.md), so
// 0.65 is the default threshold of a UU.
inline constexpr double kDefaultUuThreshold = 0.65;

// Options of scan(); the defaults are the documented defaults of `blindspot scan`.
struct ScanOptions {
  // A misclassification is a UU when its predicted-class probability is >= threshold.
  double threshold = kDefaultUuThreshold;
  // UU counts are also reported at each of these thresholds.
  std::vector<double> report_thresholds = {0.5, 0.65, 0.8, 0.9, 0.95};
  // Prediction threads (0 = all cores); results do not depend on it.
  int threads = 0;
};

// The model's verdict on one example of the split.
struct ScoredExample {
  std::size_t row = 0;       // 0-based position in the split
  std::int64_t line = 0;     // line of the record in the split's file
  int true_label = 0;
  int predicted_label = 0;   // arg-max of probabilities (first on ties)
  double confidence = 0;     // probability of predicted_label
  model::Probabilities probabilities;
  // Label-issue triage (label_issues.hpp), when ScanResult::label_issues_estimated: confident
  // learning judged the example's label wrong, going by label_quality, the out-of-sample
  // probability of its label.
  bool label_issue = false;
  double label_quality = -1;

  bool correct() const noexcept { return true_label == predicted_label; }
  // Misclassified with confidence >= threshold.
  bool is_uu(double threshold) const noexcept { return !correct() && confidence >= threshold; }
};

struct ThresholdCount {
  double threshold = 0;
  std::int64_t count = 0;
};

struct ScanResult {
  double threshold = kDefaultUuThreshold;
  std::vector<ScoredExample> scored;   // every example, in split order
  std::vector<std::size_t> uus;        // indexes into `scored` of the UUs at `threshold`, in split order
  std::vector<ThresholdCount> counts;  // UU counts at options.report_thresholds (and at threshold)
  bool label_issues_estimated = false;  // triage_label_issues() marked the examples
};

// Share of the scored examples predicted right (0 for none).
double accuracy(const ScanResult& result);

// The UUs of `result` (indexes into `scored`), most confident first; equal confidences in split order.
std::vector<std::size_t> uus_most_confident_first(const ScanResult& result);

// Scores every example of `split` and picks its UUs. Throws Error{bad_input} if the split's
// label set differs from the model's.
ScanResult scan(const model::Classifier& model, const data::Split& split, const ScanOptions& options,
                const core::ProgressCallback& progress = {});

// Number of misclassified examples with confidence >= threshold.
std::int64_t count_uus(const std::vector<ScoredExample>& scored, double threshold);

}  // namespace blindspot::discover
