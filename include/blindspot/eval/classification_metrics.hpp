#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace blindspot::eval {

struct ClassMetrics {
  std::string label;
  double precision = 0;  // 0 when the class is never predicted
  double recall = 0;     // 0 when the class never occurs
  double f1 = 0;         // 0 when precision + recall is 0
  std::int64_t support = 0;
};

struct ClassificationMetrics {
  std::int64_t count = 0;
  double accuracy = 0;
  // Unweighted mean of per-class F1 over all labels, including labels absent from the data.
  double macro_f1 = 0;
  std::vector<ClassMetrics> per_class;
  // confusion[true][predicted]
  std::vector<std::vector<std::int64_t>> confusion;
};

// `true_labels` and `predicted_labels` index `label_names` and have equal length.
// Throws Error{internal} on a length mismatch or an index out of range.
ClassificationMetrics classification_metrics(const std::vector<int>& true_labels,
                                             const std::vector<int>& predicted_labels,
                                             const std::vector<std::string>& label_names);

}  // namespace blindspot::eval
