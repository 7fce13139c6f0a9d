#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/data/example.hpp"
#include "blindspot/discover/uu_scan.hpp"
#include "blindspot/model/classifier.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace blindspot::discover {

// Label-issue triage (`scan --label-issues`, docs/label-issues.md): confident learning (Northcutt,
// Jiang and Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels", 2021) on
// out-of-sample probabilities tells a UU that is a wrong label from a UU that is a blind spot.

// Folds of the cross-validation: the value cleanlab and scikit-learn use by default.
inline constexpr int kDefaultLabelFolds = 5;

// Confident learning's verdict on every example, in the order of its input.
struct LabelIssues {
  // t_j: the mean probability of class j over the examples labelled j. A class no example carries
  // gets a threshold above 1: no example can be confidently of it.
  std::vector<double> class_thresholds;
  // The class with the largest probability among those at or above their threshold; -1: none is.
  std::vector<int> confident_label;
  // The example is labelled i and its confident class is another class j (an off-diagonal entry of
  // the confident joint).
  std::vector<bool> is_issue;
  // The probability of the given label (cleanlab's "self-confidence" label quality).
  std::vector<double> label_quality;

  std::size_t count() const;
};

// The confident-learning rule on `probabilities` (one row per example, one column per label, all
// rows of one length) that must be out-of-sample: probabilities of a model that saw an example in
// training mostly repeat its label, right or wrong. `labels[i]` indexes the columns. Throws
// Error{bad_input} for rows of different lengths or a label outside the columns.
LabelIssues find_label_issues(const std::vector<model::Probabilities>& probabilities, const std::vector<int>& labels);

// Makes an untrained classifier of the kind being examined, with its hyper-parameters.
using ClassifierFactory = std::function<std::unique_ptr<model::Classifier>()>;

struct CrossValidationOptions {
  // Folds (2 or more); each example is predicted by the model trained on the other folds.
  int folds = kDefaultLabelFolds;
  // Which fold each example falls in: the same seed and data give the same folds.
  std::uint64_t seed = 0;
  // Prediction threads (0 = all cores); results do not depend on it.
  int threads = 0;
};

// Out-of-sample probabilities for every example of `examples`, in order: stratified folds (each
// label's examples shuffled with the seed and dealt round robin), a fresh classifier from
// `make_classifier` trained on all folds but one, predicting that one. Throws Error{usage} for
// fewer than 2 folds or more folds than examples, Error{bad_input} when a fold's training part
// lacks a label (too few examples of it for this many folds).
std::vector<model::Probabilities> cross_validated_probabilities(const ClassifierFactory& make_classifier,
                                                                const data::Split& examples,
                                                                const CrossValidationOptions& options,
                                                                const core::ProgressCallback& progress = {});

// What the triage of a scan found.
struct LabelIssueSummary {
  // 0: the scan's own probabilities were taken as out-of-sample (a predictions file).
  int folds = 0;
  // Examples confident learning saw: the scanned split, plus the training rows with k-fold.
  std::size_t examples = 0;
  std::vector<double> class_thresholds;
  std::int64_t split_issues = 0;  // label issues among all rows of the scanned split
  std::int64_t uu_issues = 0;     // of them, UUs
};

// Marks every scored example of `result` (of `split`) with ScoredExample::label_issue and
// label_quality, and sets result.label_issues_estimated. With `make_classifier`, the probabilities
// come from cross_validated_probabilities over `train` (may be empty: the split alone) followed by
// `split`; without, the scan's own probabilities are taken as out-of-sample (a predictions file of
// a model that never trained on the split). `train` must use the split's label set.
LabelIssueSummary triage_label_issues(ScanResult& result, const data::Split& split, const data::Split& train,
                                      const ClassifierFactory& make_classifier, const CrossValidationOptions& options,
                                      const core::ProgressCallback& progress = {});

}  // namespace blindspot::discover
