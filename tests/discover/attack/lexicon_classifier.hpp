#pragma once

// A test double for the attack tests: a bag-of-words logistic model whose weights are given,
// so that every probability the attack sees is known in advance. Like a word-level fastText
// model it ignores unknown words, so any misspelling removes a word's contribution.

#include "blindspot/model/classifier.hpp"

#include <atomic>
#include <cmath>
#include <map>
#include <string>

namespace blindspot::test {

class LexiconClassifier final : public model::Classifier {
 public:
  // Labels: 0 negative, 1 positive; p(positive) = sigmoid(bias + sum of weights of the words).
  LexiconClassifier(std::map<std::string, double> weights, double bias)
      : labels_({"negative", "positive"}), weights_(std::move(weights)), bias_(bias) {}

  std::string kind() const override { return "lexicon"; }
  std::string options_json() const override { return "{}"; }
  void train(const data::Split&, const core::ProgressCallback&) override {}
  const data::LabelSet& labels() const override { return labels_; }
  std::vector<float> sentence_vector(std::string_view) const override { return {}; }
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}

  model::Probabilities probabilities(std::string_view text) const override {
    ++queries_;
    double score = bias_;
    std::string word;
    const auto flush = [&] {
      if (const auto found = weights_.find(word); found != weights_.end()) score += found->second;
      word.clear();
    };
    for (char c : text) {
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'';
      if (letter) {
        word += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      } else {
        flush();
      }
    }
    flush();
    const double positive = 1.0 / (1.0 + std::exp(-score));
    return {1.0 - positive, positive};
  }

  std::size_t queries() const noexcept { return queries_; }

 private:
  data::LabelSet labels_;
  std::map<std::string, double> weights_;
  double bias_;
  mutable std::atomic<std::size_t> queries_{0};
};

inline double sigmoid(double score) { return 1.0 / (1.0 + std::exp(-score)); }

}  // namespace blindspot::test
