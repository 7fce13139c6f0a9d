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

// `probabilities[i]` is example i's probability vector; `true_labels[i]` indexes it. Confidence
// is the largest probability, its class the prediction (the lowest index on ties, as in
// model::argmax). `bins` equal-width bins of [0, 1] are returned, empty ones included; with no
// examples every number is 0. Throws Error{usage} if bins < 1, and Error{internal} (a caller's
// bug) on a length mismatch, an empty or differently sized probability vector, a probability
// that is negative or not finite, or a true label out of range.
Calibration calibration(const std::vector<std::vector<double>>& probabilities, const std::vector<int>& true_labels,
                        int bins = kDefaultCalibrationBins);

// Index of the bin holding `confidence` among `bins` equal-width bins (b/bins, (b+1)/bins]:
// ceil(confidence * bins) - 1 clamped to [0, bins - 1], corrected for rounding so that a
// confidence equal to the double k/bins lands in bin k - 1. Confidence 0 goes to bin 0, and
// anything above 1 (float round-off in a model's output) to the last bin. Throws Error{usage}
// if bins < 1.
int calibration_bin(double confidence, int bins);

}  // namespace blindspot::eval
