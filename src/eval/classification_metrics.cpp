#include "blindspot/eval/classification_metrics.hpp"

#include "blindspot/core/error.hpp"

#include <cstddef>
#include <string>

namespace blindspot::eval {
namespace {

// Callers pass labels they produced themselves (a split and a model's predictions), so a bad
// index is a bug in blindspot, not in the user's input.
void check_label(int label, std::size_t label_count, const char* which, std::size_t example) {
  if (label < 0 || static_cast<std::size_t>(label) >= label_count) {
    throw core::Error(core::ErrorKind::internal, "classification_metrics: " + std::string(which) + " label " +
                                                     std::to_string(label) + " of example " +
                                                     std::to_string(example) + " is out of range (" +
                                                     std::to_string(label_count) + " labels)");
  }
}

double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace

ClassificationMetrics classification_metrics(const std::vector<int>& true_labels,
                                             const std::vector<int>& predicted_labels,
                                             const std::vector<std::string>& label_names) {
  if (true_labels.size() != predicted_labels.size()) {
    throw core::Error(core::ErrorKind::internal, "classification_metrics: " + std::to_string(true_labels.size()) +
                                                     " true labels but " + std::to_string(predicted_labels.size()) +
                                                     " predicted labels");
  }
  const std::size_t label_count = label_names.size();
  ClassificationMetrics metrics;
  metrics.count = static_cast<std::int64_t>(true_labels.size());
  metrics.confusion.assign(label_count, std::vector<std::int64_t>(label_count, 0));
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < true_labels.size(); ++i) {
    check_label(true_labels[i], label_count, "true", i);
    check_label(predicted_labels[i], label_count, "predicted", i);
    ++metrics.confusion[static_cast<std::size_t>(true_labels[i])][static_cast<std::size_t>(predicted_labels[i])];
    if (true_labels[i] == predicted_labels[i]) ++correct;
  }
  metrics.accuracy = ratio(correct, metrics.count);

  double f1_sum = 0;
  metrics.per_class.reserve(label_count);
  for (std::size_t label = 0; label < label_count; ++label) {
    std::int64_t predicted = 0;  // column sum: examples predicted as `label`
    std::int64_t support = 0;    // row sum: examples whose true label is `label`
    for (std::size_t other = 0; other < label_count; ++other) {
      predicted += metrics.confusion[other][label];
      support += metrics.confusion[label][other];
    }
    const std::int64_t true_positives = metrics.confusion[label][label];
    ClassMetrics& c = metrics.per_class.emplace_back();
    c.label = label_names[label];
    c.support = support;
    // Zero-division conventions (scikit-learn's zero_division=0): an undefined ratio counts as 0.
    c.precision = ratio(true_positives, predicted);
    c.recall = ratio(true_positives, support);
    // 2PR/(P+R) = 2TP/(2TP+FP+FN); the count form avoids rounding P and R first.
    c.f1 = ratio(2 * true_positives, predicted + support);
    f1_sum += c.f1;
  }
  // Every label counts, including those absent from the data: a label the model never gets
  // right should pull macro-F1 down, not vanish from it.
  metrics.macro_f1 = label_count == 0 || metrics.count == 0 ? 0.0 : f1_sum / static_cast<double>(label_count);
  return metrics;
}

}  // namespace blindspot::eval
