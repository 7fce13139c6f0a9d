#pragma once
// Shared by the benchmarks that replay an attack's queries against a baseline.

#include "blindspot/model/classifier.hpp"

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blindspot::bench {

// Forwards to a model (with its preferred number of callers) and keeps a copy of every text it is
// asked about, so the same texts can be predicted again without the attack.
class RecordingClassifier final : public model::Classifier {
 public:
  explicit RecordingClassifier(const model::Classifier& inner) : inner_(inner) {}
  std::string kind() const override { return inner_.kind(); }
  std::string options_json() const override { return inner_.options_json(); }
  void train(const data::Split&, const core::ProgressCallback&) override {}
  const data::LabelSet& labels() const override { return inner_.labels(); }
  model::Probabilities probabilities(std::string_view text) const override {
    record({std::string(text)});
    return inner_.probabilities(text);
  }
  std::vector<model::Probabilities> predict_batch(const std::vector<std::string>& texts, int threads) const override {
    record(texts);
    return inner_.predict_batch(texts, threads);
  }
  std::vector<float> sentence_vector(std::string_view text) const override { return inner_.sentence_vector(text); }
  int preferred_callers() const override { return inner_.preferred_callers(); }
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}

  // The texts asked about so far, in the order they were recorded.
  std::vector<std::string> take_texts() { return std::move(texts_); }

 private:
  void record(const std::vector<std::string>& texts) const {
    const std::lock_guard lock(mutex_);
    texts_.insert(texts_.end(), texts.begin(), texts.end());
  }
  const model::Classifier& inner_;
  mutable std::mutex mutex_;
  mutable std::vector<std::string> texts_;
};

}  // namespace blindspot::bench
