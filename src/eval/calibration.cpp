#include "blindspot/eval/calibration.hpp"

#include "blindspot/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

namespace blindspot::eval {
namespace {

// The edge between bins k - 1 and k. Every caller computes edges with this one expression, so
// the edges reported in ReliabilityBin are exactly the ones used to place confidences.
double bin_edge(int k, int bins) { return static_cast<double>(k) / static_cast<double>(bins); }

void check_bins(int bins) {
  if (bins < 1) {
    throw core::Error(core::ErrorKind::usage,
                      "the number of calibration bins must be at least 1 (got " + std::to_string(bins) + ")");
  }
}

[[noreturn]] void fail(const std::string& message) {
  throw core::Error(core::ErrorKind::internal, "calibration: " + message);
}

// Callers pass probabilities their own model produced, so malformed input is a bug in
// blindspot, not a user mistake.
void check_example(const std::vector<double>& probabilities, int true_label, std::size_t class_count,
                   std::size_t example) {
  const std::string where = " of example " + std::to_string(example);
  if (probabilities.empty()) fail("empty probability vector" + where);
  if (probabilities.size() != class_count) {
    fail("probability vector" + where + " has " + std::to_string(probabilities.size()) + " classes, expected " +
         std::to_string(class_count) + " (as in example 0)");
  }
  for (std::size_t k = 0; k < probabilities.size(); ++k) {
    if (!std::isfinite(probabilities[k]) || probabilities[k] < 0) {
      fail("probability " + std::to_string(probabilities[k]) + " of class " + std::to_string(k) + where +
           " is not a finite non-negative number");
    }
  }
  if (true_label < 0 || static_cast<std::size_t>(true_label) >= class_count) {
    fail("true label " + std::to_string(true_label) + where + " is out of range (" + std::to_string(class_count) +
         " classes)");
  }
}

// Sums of one bin while the examples are read.
struct BinSums {
  std::int64_t count = 0;
  std::int64_t correct = 0;
  double confidence = 0;
};

}  // namespace

int calibration_bin(double confidence, int bins) {
  check_bins(bins);
  if (!(confidence > 0)) return 0;
  if (confidence >= 1) return bins - 1;
  int index = std::clamp(static_cast<int>(std::ceil(confidence * bins)) - 1, 0, bins - 1);
  // confidence * bins is rounded, so a confidence on an edge (or one ulp beside it) can land one
  // bin off; compare with the edges themselves, which is what "upper-inclusive" means.
  if (index > 0 && confidence <= bin_edge(index, bins)) {
    --index;
  } else if (index < bins - 1 && confidence > bin_edge(index + 1, bins)) {
    ++index;
  }
  return index;
}

Calibration calibration(const std::vector<std::vector<double>>& probabilities, const std::vector<int>& true_labels,
                        int bins) {
  check_bins(bins);
  if (probabilities.size() != true_labels.size()) {
    fail(std::to_string(probabilities.size()) + " probability vectors but " + std::to_string(true_labels.size()) +
         " true labels");
  }
  const std::size_t class_count = probabilities.empty() ? 0 : probabilities.front().size();
  std::vector<BinSums> sums(static_cast<std::size_t>(bins));
  double brier_sum = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const std::vector<double>& example = probabilities[i];
    check_example(example, true_labels[i], class_count, i);
    // max_element keeps the first maximum, the classifier's tie rule.
    const auto predicted = static_cast<std::size_t>(std::max_element(example.begin(), example.end()) - example.begin());
    const double confidence = example[predicted];
    BinSums& bin = sums[static_cast<std::size_t>(calibration_bin(confidence, bins))];
    ++bin.count;
    bin.confidence += confidence;
    if (predicted == static_cast<std::size_t>(true_labels[i])) ++bin.correct;
    for (std::size_t k = 0; k < example.size(); ++k) {
      const double target = k == static_cast<std::size_t>(true_labels[i]) ? 1.0 : 0.0;
      brier_sum += (example[k] - target) * (example[k] - target);
    }
  }

  Calibration result;
  const auto total = static_cast<double>(probabilities.size());
  result.bins.reserve(sums.size());
  for (int b = 0; b < bins; ++b) {
    const BinSums& sum = sums[static_cast<std::size_t>(b)];
    ReliabilityBin& bin = result.bins.emplace_back();
    bin.lower = bin_edge(b, bins);
    bin.upper = bin_edge(b + 1, bins);
    bin.count = sum.count;
    if (sum.count == 0) continue;
    const auto count = static_cast<double>(sum.count);
    bin.mean_confidence = sum.confidence / count;
    bin.accuracy = static_cast<double>(sum.correct) / count;
    result.expected_calibration_error += count / total * std::abs(bin.accuracy - bin.mean_confidence);
  }
  if (!probabilities.empty()) result.brier_score = brier_sum / total;
  return result;
}

}  // namespace blindspot::eval
