#pragma once

#include <cstdint>
#include <vector>

namespace blindspot::eval {

// Default number of bins of the expected calibration error: 15 equal-width bins, as in
// Guo et al. 2017 ("On Calibration of Modern Neural Networks").
inline constexpr int kDefaultCalibrationBins = 15;

struct ReliabilityBin {
  double lower = 0;  // the bin is (lower, upper]; the first bin also holds confidence 0
  double upper = 0;
  std::int64_t count = 0;
  double mean_confidence = 0;  // 0 for an empty bin
  double accuracy = 0;         // 0 for an empty bin
};

struct Calibration {
  // ECE = sum over bins of (count / n) * |accuracy - mean confidence|, where confidence is
  // the predicted (arg-max) class probability (docs/definitions.md).
  double expected_calibration_error = 0;
  // Multi-class Brier score: mean over examples of sum over classes (p_k - y_k)^2, in [0, 2].
  double brier_score = 0;
  std::vector<ReliabilityBin> bins;
};

// `probabilities[i]` is example i's probability vector; `true_labels[i]` indexes it.
Calibration calibration(const std::vector<std::vector<double>>& probabilities, const std::vector<int>& true_labels,
                        int bins = kDefaultCalibrationBins);

}  // namespace blindspot::eval
