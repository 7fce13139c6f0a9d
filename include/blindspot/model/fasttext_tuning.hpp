#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/model/fasttext_classifier.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace blindspot::model {

// A deterministic search of fastText's hyper-parameters on dev (docs/baseline.md): a small grid
// over learning rate, epochs and word n-grams, tried in a fixed order (cheapest first) with the
// given seed and one thread, each candidate scored by its dev macro-F1. fastText's own autotune
// is not used: it samples candidates at random for a wall-clock budget, so two runs of it choose
// different settings, and this project's loops must rerun byte-identically.

struct FastTextTuningOptions {
  // No candidate is started after this many seconds (the one running is finished). A search that
  // stops early is recorded as such: its choice then depends on the machine's speed.
  double seconds = 120;
};

struct TuningCandidate {
  FastTextOptions options;
  double dev_macro_f1 = 0;
  double seconds = 0;  // its training and scoring
};

struct FastTextTuning {
  FastTextOptions given;
  FastTextOptions chosen;  // `given` unless a candidate scored strictly higher on dev
  double given_macro_f1 = 0;
  double chosen_macro_f1 = 0;
  std::vector<TuningCandidate> tried;  // in the grid's order, the given settings first
  std::size_t grid_size = 0;           // candidates of the grid, the given settings included
  bool stopped_by_budget = false;
  double seconds = 0;
  std::unique_ptr<FastTextClassifier> model;  // trained with `chosen`

  bool changed() const noexcept { return chosen_macro_f1 > given_macro_f1; }
  // "tuned on dev: lr 0.1, 25 epochs, word n-grams 1 (dev macro-F1 0.7712; the given settings 0.5203; 19 of 19
  // settings tried in 31.2 s)"
  std::string summary() const;
  // {"chosen": {...options...}, "dev_macro_f1": ..., "given_dev_macro_f1": ..., "tried": N, "grid": M,
  //  "stopped_by_budget": bool, "seconds": s}
  std::string to_json() const;
};

// The candidates after the given settings: learning rate {0.1, 0.5, 1.0} x epochs {5, 10, 25, 50}
// x word n-grams {1, 2}, epochs ascending (the cost of a training grows with them), the other
// fields (dimension, subwords, buckets, seed, ...) as given; candidates equal to `given` are left out.
std::vector<FastTextOptions> tuning_grid(const FastTextOptions& given);

// Dev macro-F1 of `model` (every label of the model counts, as in eval::evaluate). `dev` must use
// the model's labels.
double dev_macro_f1(const Classifier& model, const data::Split& dev);

// Trains the given settings and every candidate of tuning_grid() on `train` within the budget and
// keeps the one with the highest dev macro-F1 (the earliest on a tie). Throws what training throws,
// and Error{bad_input} when dev is empty or its labels are not train's.
FastTextTuning tune_fasttext(const data::Split& train, const data::Split& dev, const FastTextOptions& given,
                             const FastTextTuningOptions& options, const core::ProgressCallback& progress = {});

}  // namespace blindspot::model
