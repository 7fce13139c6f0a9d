#include "test_metrics.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/adversarial_uus.hpp"
#include "blindspot/eval/evaluation.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <numeric>

namespace blindspot::loop::detail {
namespace {

using nlohmann::json;

// Natural-UU counts and accuracy of `model` on a challenge set, prefixed with the set's name.
void add_challenge(TestMetrics& m, const model::Classifier& model, const ChallengeSet& set,
                   const LoopOptions& options) {
  const auto evaluation =
      eval::evaluate(set.name, model.labels(), discover::scan(model, set.split, scan_options(options)));
  m.challenge.emplace_back(set.name + ":accuracy", evaluation.metrics.accuracy);
  m.challenge.emplace_back(fmt::format("{}:uus@{:.2f}", set.name, options.threshold),
                           static_cast<double>(evaluation.uu_count));
}

// The per-row outcomes of `scan` at the loop's threshold: correct, UU, gold and predicted label,
// confidence and the row's Brier term (the terms eval::calibration sums), for intervals over rows.
void add_rows(TestMetrics& m, const discover::ScanResult& scan, double threshold) {
  for (const auto& scored : scan.scored) {
    m.correct.push_back(scored.correct() ? 1 : 0);
    m.uu.push_back(scored.is_uu(threshold) ? 1 : 0);
    m.gold.push_back(scored.true_label);
    m.predicted.push_back(scored.predicted_label);
    m.confidence.push_back(scored.confidence);
    double squared_error = 0;
    for (std::size_t k = 0; k < scored.probabilities.size(); ++k) {
      const double target = static_cast<int>(k) == scored.true_label ? 1.0 : 0.0;
      squared_error += (scored.probabilities[k] - target) * (scored.probabilities[k] - target);
    }
    m.squared_error.push_back(squared_error);
  }
}

// The seeded adversarial UU metric, per row of its sample, and the rows an attacker reaches.
void add_attack(TestMetrics& m, const model::Classifier& model, const data::Split& test, const LoopOptions& options) {
  m.reachable = m.uu;
  if (options.test_attack_rows > 0) {
    // The same rows, seed and budget for both models: the two counts are comparable.
    discover::AdversarialUuOptions attack;
    attack.sample_size = options.test_attack_rows;
    attack.attack.threshold = options.threshold;
    attack.attack.budget = options.attack_budget;
    attack.attack.seed = options.seed;
    attack.attack.threads = options.threads;
    const auto metric = discover::measure_adversarial_uus(model, test, attack);
    m.adversarial_attacked = static_cast<std::int64_t>(metric.attacked);
    m.adversarial_uus = static_cast<std::int64_t>(metric.uus);
    // Every sampled row counts, attacked or not (a misclassified row cannot become an adversarial
    // UU), so both models' vectors have the same length and rows.
    for (const auto& result : metric.run.results) {
      m.adversarial.push_back(result.is_uu() ? 1 : 0);
      m.attack_rows.push_back(static_cast<std::int64_t>(result.row));
      m.attacked.push_back(result.attacked() ? 1 : 0);
      // Only a row read right is attacked, so it is never also a natural UU.
      if (result.is_uu()) m.reachable[result.row] = 1;
    }
  }
  m.reachable_errors = std::accumulate(m.reachable.begin(), m.reachable.end(), std::int64_t{0});
}

}  // namespace

TestMetrics test_metrics(const model::Classifier& model, const data::Split& test,
                         const std::vector<ChallengeSet>& challenges, const LoopOptions& options) {
  const discover::ScanResult scan = discover::scan(model, test, scan_options(options));
  const eval::Evaluation evaluation = eval::evaluate(test.name, model.labels(), scan);
  TestMetrics m;
  m.accuracy = evaluation.metrics.accuracy;
  m.macro_f1 = evaluation.metrics.macro_f1;
  m.ece = evaluation.calibration.expected_calibration_error;
  m.brier = evaluation.calibration.brier_score;
  for (const auto& count : evaluation.uu_counts) m.uu_counts.emplace_back(count.threshold, count.count);
  m.reliability = evaluation.calibration.bins;
  // Confidence of the predicted class lies in [1/labels, 1].
  const double lowest = 1.0 / static_cast<double>(model.labels().size());
  m.confidence_histogram.assign(10, 0);
  for (const auto& scored : scan.scored) {
    const double position = (scored.confidence - lowest) / (1.0 - lowest) * 10.0;
    ++m.confidence_histogram[static_cast<std::size_t>(std::clamp(position, 0.0, 9.0))];
  }
  add_rows(m, scan, options.threshold);
  add_attack(m, model, test, options);
  for (const auto& set : challenges) add_challenge(m, model, set, options);
  return m;
}

std::vector<ChallengeSet> read_challenge_sets(const LoopOptions& options, const data::LabelSet& labels) {
  std::vector<ChallengeSet> sets;
  for (const auto& file : options.challenge_sets) {
    sets.push_back(
        {file.parent_path().filename().string() + "/" + file.stem().string(), data::read_split(file, labels)});
  }
  return sets;
}

discover::ScanOptions scan_options(const LoopOptions& options) {
  discover::ScanOptions scan;
  scan.threshold = options.threshold;
  scan.threads = options.threads;
  return scan;
}

json metrics_json(const TestMetrics& m) {
  json counts = json::array();
  for (const auto& [threshold, count] : m.uu_counts) counts.push_back({threshold, count});
  json bins = json::array();
  for (const auto& b : m.reliability) bins.push_back({b.lower, b.upper, b.count, b.mean_confidence, b.accuracy});
  json challenge = json::array();
  for (const auto& [name, value] : m.challenge) challenge.push_back({name, value});
  return {{"accuracy", m.accuracy},
          {"macro_f1", m.macro_f1},
          {"ece", m.ece},
          {"brier", m.brier},
          {"uu_counts", counts},
          {"adversarial_attacked", m.adversarial_attacked},
          {"adversarial_uus", m.adversarial_uus},
          {"reliability", bins},
          {"confidence_histogram", m.confidence_histogram},
          {"challenge", challenge},
          {"correct", m.correct},
          {"uu", m.uu},
          {"adversarial", m.adversarial},
          {"attack_rows", m.attack_rows},
          {"attacked", m.attacked},
          {"reachable", m.reachable},
          {"reachable_errors", m.reachable_errors},
          {"gold", m.gold},
          {"predicted", m.predicted},
          {"confidence", m.confidence},
          {"squared_error", m.squared_error}};
}

TestMetrics metrics_from_json(const json& j) {
  TestMetrics m;
  m.accuracy = j.at("accuracy");
  m.macro_f1 = j.at("macro_f1");
  m.ece = j.at("ece");
  m.brier = j.at("brier");
  for (const json& pair : j.at("uu_counts"))
    m.uu_counts.emplace_back(pair[0].get<double>(), pair[1].get<std::int64_t>());
  m.adversarial_attacked = j.at("adversarial_attacked");
  m.adversarial_uus = j.at("adversarial_uus");
  for (const json& b : j.at("reliability")) {
    m.reliability.push_back(
        {b[0].get<double>(), b[1].get<double>(), b[2].get<std::int64_t>(), b[3].get<double>(), b[4].get<double>()});
  }
  m.confidence_histogram = j.at("confidence_histogram").get<std::vector<std::int64_t>>();
  for (const json& pair : j.at("challenge"))
    m.challenge.emplace_back(pair[0].get<std::string>(), pair[1].get<double>());
  m.correct = j.at("correct").get<std::vector<int>>();
  m.uu = j.at("uu").get<std::vector<int>>();
  m.adversarial = j.at("adversarial").get<std::vector<int>>();
  m.attack_rows = j.at("attack_rows").get<std::vector<std::int64_t>>();
  m.attacked = j.at("attacked").get<std::vector<int>>();
  m.reachable = j.at("reachable").get<std::vector<int>>();
  m.reachable_errors = j.at("reachable_errors");
  m.gold = j.at("gold").get<std::vector<int>>();
  m.predicted = j.at("predicted").get<std::vector<int>>();
  m.confidence = j.at("confidence").get<std::vector<double>>();
  m.squared_error = j.at("squared_error").get<std::vector<double>>();
  return m;
}

}  // namespace blindspot::loop::detail

namespace blindspot::loop {

std::optional<double> adversarial_uu_rate(const TestMetrics& metrics) {
  if (metrics.adversarial_attacked == 0) return std::nullopt;
  return static_cast<double>(metrics.adversarial_uus) / static_cast<double>(metrics.adversarial_attacked);
}

}  // namespace blindspot::loop
