#include "blindspot/discover/uu_scan.hpp"

#include "blindspot/core/error.hpp"

#include <algorithm>

namespace blindspot::discover {
namespace {

// Predictions are made in slices so that progress can be reported between them.
constexpr std::size_t kSliceSize = 1024;

}  // namespace

std::int64_t count_uus(const std::vector<ScoredExample>& scored, double threshold) {
  return std::count_if(scored.begin(), scored.end(), [&](const ScoredExample& e) { return e.is_uu(threshold); });
}

double accuracy(const ScanResult& result) {
  if (result.scored.empty()) return 0;
  const auto correct = std::count_if(result.scored.begin(), result.scored.end(),
                                     [](const ScoredExample& e) { return e.correct(); });
  return static_cast<double>(correct) / static_cast<double>(result.scored.size());
}

std::vector<std::size_t> uus_most_confident_first(const ScanResult& result) {
  std::vector<std::size_t> order = result.uus;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return result.scored[a].confidence > result.scored[b].confidence;
  });
  return order;
}

ScanResult scan(const model::Classifier& model, const data::Split& split, const ScanOptions& options,
                const core::ProgressCallback& progress) {
  if (split.labels != model.labels()) {
    throw core::Error(core::ErrorKind::bad_input,
                      "labels of the data (" + split.labels.joined() + ") differ from the model's (" +
                          model.labels().joined() + ")",
                      core::InputLocation{split.file, 0, ""});
  }
  ScanResult result;
  result.threshold = options.threshold;
  result.scored.reserve(split.examples.size());
  const std::string stage = "scanning " + split.name;
  for (std::size_t begin = 0; begin < split.examples.size(); begin += kSliceSize) {
    const std::size_t end = std::min(split.examples.size(), begin + kSliceSize);
    std::vector<std::string> texts;
    texts.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) texts.push_back(split.examples[i].text);
    auto probabilities = model.predict_batch(texts, options.threads);
    for (std::size_t i = begin; i < end; ++i) {
      ScoredExample scored;
      scored.row = i;
      scored.line = split.examples[i].line;
      scored.true_label = split.examples[i].label;
      scored.probabilities = std::move(probabilities[i - begin]);
      scored.predicted_label = model::argmax(scored.probabilities);
      scored.confidence = scored.probabilities[static_cast<std::size_t>(scored.predicted_label)];
      if (scored.is_uu(options.threshold)) result.uus.push_back(i);
      result.scored.push_back(std::move(scored));
    }
    if (progress) progress(stage, static_cast<double>(end) / static_cast<double>(split.examples.size()));
  }
  std::vector<double> thresholds = options.report_thresholds;
  if (std::find(thresholds.begin(), thresholds.end(), options.threshold) == thresholds.end()) {
    thresholds.push_back(options.threshold);
  }
  std::sort(thresholds.begin(), thresholds.end());
  for (double threshold : thresholds) result.counts.push_back({threshold, count_uus(result.scored, threshold)});
  return result;
}

}  // namespace blindspot::discover
