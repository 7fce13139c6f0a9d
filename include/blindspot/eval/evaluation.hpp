#pragma once

#include "blindspot/data/label_set.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/eval/calibration.hpp"
#include "blindspot/eval/classification_metrics.hpp"

#include <string>
#include <vector>

namespace blindspot::eval {

// Everything `blindspot eval` reports for one split.
struct Evaluation {
  std::string split;
  ClassificationMetrics metrics;
  Calibration calibration;
  double uu_threshold = discover::kDefaultUuThreshold;
  std::int64_t uu_count = 0;                          // UUs at uu_threshold
  std::vector<discover::ThresholdCount> uu_counts;   // UUs at every reported threshold
};

// Metrics, calibration and UU counts of a finished scan.
Evaluation evaluate(const std::string& split_name, const data::LabelSet& labels, const discover::ScanResult& scan,
                    int calibration_bins = kDefaultCalibrationBins);

// The evaluation as a JSON object (machine-readable output of `eval --json` and `--out`).
std::string to_json(const Evaluation& evaluation, int indent = 2);

}  // namespace blindspot::eval
