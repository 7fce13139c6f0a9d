#pragma once
// Private to src/loop: one model's metrics on test (and on challenge sets), and their JSON in a
// loop's metrics.json.

#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/model/classifier.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace blindspot::loop::detail {

// A challenge set, read once per loop and named by its folder and file stem.
struct ChallengeSet {
  std::string name;
  data::Split split;
};

// The loop's scan options: its threshold and threads.
discover::ScanOptions scan_options(const LoopOptions& options);

// options.challenge_sets, read with `labels`.
std::vector<ChallengeSet> read_challenge_sets(const LoopOptions& options, const data::LabelSet& labels);

// Accuracy, macro-F1, calibration, natural UU counts, the seeded adversarial UU metric and the
// challenge sets' accuracy and UUs of `model`, with the per-example outcomes.
TestMetrics test_metrics(const model::Classifier& model, const data::Split& test,
                         const std::vector<ChallengeSet>& challenges, const LoopOptions& options);

// `metrics` as metrics.json stores it, and back.
nlohmann::json metrics_json(const TestMetrics& metrics);
TestMetrics metrics_from_json(const nlohmann::json& json);

}  // namespace blindspot::loop::detail
