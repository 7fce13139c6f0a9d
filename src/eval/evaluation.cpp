#include "blindspot/eval/evaluation.hpp"

#include <nlohmann/json.hpp>

namespace blindspot::eval {

Evaluation evaluate(const std::string& split_name, const data::LabelSet& labels, const discover::ScanResult& scan,
                    int calibration_bins) {
  std::vector<int> true_labels;
  std::vector<int> predicted_labels;
  std::vector<std::vector<double>> probabilities;
  true_labels.reserve(scan.scored.size());
  predicted_labels.reserve(scan.scored.size());
  probabilities.reserve(scan.scored.size());
  for (const auto& scored : scan.scored) {
    true_labels.push_back(scored.true_label);
    predicted_labels.push_back(scored.predicted_label);
    probabilities.push_back(scored.probabilities);
  }
  Evaluation evaluation;
  evaluation.split = split_name;
  evaluation.metrics = classification_metrics(true_labels, predicted_labels, labels.names());
  evaluation.calibration = calibration(probabilities, true_labels, calibration_bins);
  evaluation.uu_threshold = scan.threshold;
  evaluation.uu_count = static_cast<std::int64_t>(scan.uus.size());
  evaluation.uu_counts = scan.counts;
  return evaluation;
}

std::string to_json(const Evaluation& evaluation, int indent) {
  using nlohmann::ordered_json;
  ordered_json per_class = ordered_json::array();
  for (const auto& c : evaluation.metrics.per_class) {
    per_class.push_back(
        {{"label", c.label}, {"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}});
  }
  ordered_json bins = ordered_json::array();
  for (const auto& bin : evaluation.calibration.bins) {
    bins.push_back({{"lower", bin.lower},
                    {"upper", bin.upper},
                    {"count", bin.count},
                    {"mean_confidence", bin.mean_confidence},
                    {"accuracy", bin.accuracy}});
  }
  ordered_json counts = ordered_json::array();
  for (const auto& count : evaluation.uu_counts) {
    counts.push_back({{"threshold", count.threshold}, {"count", count.count}});
  }
  const ordered_json json = {
      {"split", evaluation.split},
      {"examples", evaluation.metrics.count},
      {"accuracy", evaluation.metrics.accuracy},
      {"macro_f1", evaluation.metrics.macro_f1},
      {"ece", evaluation.calibration.expected_calibration_error},
      {"brier", evaluation.calibration.brier_score},
      {"uu_threshold", evaluation.uu_threshold},
      {"uus", evaluation.uu_count},
      {"uu_counts", counts},
      {"per_class", per_class},
      {"confusion", evaluation.metrics.confusion},
      {"reliability", bins},
  };
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace blindspot::eval
