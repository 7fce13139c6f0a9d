#include "blindspot/discover/label_issues.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/random.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace blindspot::discover {
namespace {

using core::Error;
using core::ErrorKind;

// A mean of equal probabilities can come out one rounding step above them; the example it was
// computed from must still reach its own class's threshold.
constexpr double kThresholdSlack = 1e-9;
// Above every probability: a class no example carries.
constexpr double kUnreachableThreshold = 2.0;

void check_shapes(const std::vector<model::Probabilities>& probabilities, const std::vector<int>& labels) {
  if (probabilities.size() != labels.size()) {
    throw Error(ErrorKind::internal, "label issues: " + std::to_string(probabilities.size()) +
                                         " rows of probabilities for " + std::to_string(labels.size()) + " labels");
  }
  const std::size_t classes = probabilities.empty() ? 0 : probabilities.front().size();
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (probabilities[i].size() != classes) {
      throw Error(ErrorKind::bad_input, "label issues: row " + std::to_string(i) + " has " +
                                            std::to_string(probabilities[i].size()) + " probabilities, row 0 has " +
                                            std::to_string(classes));
    }
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= classes) {
      throw Error(ErrorKind::bad_input, "label issues: row " + std::to_string(i) + " has label " +
                                            std::to_string(labels[i]) + ", outside the " + std::to_string(classes) +
                                            " classes");
    }
  }
}

std::vector<double> class_thresholds(const std::vector<model::Probabilities>& probabilities,
                                     const std::vector<int>& labels, std::size_t classes) {
  std::vector<double> sums(classes, 0.0);
  std::vector<std::size_t> counts(classes, 0);
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const auto label = static_cast<std::size_t>(labels[i]);
    sums[label] += probabilities[i][label];
    ++counts[label];
  }
  std::vector<double> thresholds(classes, kUnreachableThreshold);
  for (std::size_t j = 0; j < classes; ++j) {
    if (counts[j] > 0) thresholds[j] = sums[j] / static_cast<double>(counts[j]) - kThresholdSlack;
  }
  return thresholds;
}

// The largest probability among the classes at or above their threshold (the first on ties); -1: none.
int confident_class(const model::Probabilities& probabilities, const std::vector<double>& thresholds) {
  int best = -1;
  for (std::size_t j = 0; j < probabilities.size(); ++j) {
    if (probabilities[j] < thresholds[j]) continue;
    if (best < 0 || probabilities[j] > probabilities[static_cast<std::size_t>(best)]) best = static_cast<int>(j);
  }
  return best;
}

// Each label's examples, shuffled with the seed and dealt round robin over the folds (continuing
// from one label to the next), so every fold gets its share of every label.
std::vector<int> stratified_folds(const data::Split& examples, int folds, std::uint64_t seed) {
  std::vector<std::vector<std::size_t>> by_label(examples.labels.size());
  for (std::size_t i = 0; i < examples.examples.size(); ++i) {
    by_label.at(static_cast<std::size_t>(examples.examples[i].label)).push_back(i);
  }
  std::vector<int> fold_of(examples.examples.size(), 0);
  std::size_t dealt = 0;
  for (std::size_t label = 0; label < by_label.size(); ++label) {
    std::vector<std::size_t>& members = by_label[label];
    core::Rng rng(core::derive_seed(seed, label));
    for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
    for (std::size_t row : members) fold_of[row] = static_cast<int>(dealt++ % static_cast<std::size_t>(folds));
  }
  return fold_of;
}

data::Split fold_part(const data::Split& examples, const std::vector<int>& fold_of, int fold, bool held_out) {
  data::Split part;
  part.name = examples.name + (held_out ? ".fold" : ".rest") + std::to_string(fold);
  part.file = examples.file;
  part.labels = examples.labels;
  for (std::size_t i = 0; i < examples.examples.size(); ++i) {
    if ((fold_of[i] == fold) == held_out) part.examples.push_back(examples.examples[i]);
  }
  return part;
}

}  // namespace

std::size_t LabelIssues::count() const {
  return static_cast<std::size_t>(std::count(is_issue.begin(), is_issue.end(), true));
}

LabelIssues find_label_issues(const std::vector<model::Probabilities>& probabilities, const std::vector<int>& labels) {
  check_shapes(probabilities, labels);
  const std::size_t classes = probabilities.empty() ? 0 : probabilities.front().size();
  LabelIssues issues;
  issues.class_thresholds = class_thresholds(probabilities, labels, classes);
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const int confident = confident_class(probabilities[i], issues.class_thresholds);
    issues.confident_label.push_back(confident);
    issues.is_issue.push_back(confident >= 0 && confident != labels[i]);
    issues.label_quality.push_back(probabilities[i][static_cast<std::size_t>(labels[i])]);
  }
  // The slack is how the rule compares, not part of the thresholds the user reads.
  for (double& threshold : issues.class_thresholds) {
    if (threshold < kUnreachableThreshold) threshold += kThresholdSlack;
  }
  return issues;
}

std::vector<model::Probabilities> cross_validated_probabilities(const ClassifierFactory& make_classifier,
                                                                const data::Split& examples,
                                                                const CrossValidationOptions& options,
                                                                const core::ProgressCallback& progress) {
  if (options.folds < 2 || static_cast<std::size_t>(options.folds) > examples.examples.size()) {
    throw Error(ErrorKind::usage, "--label-folds must be between 2 and the number of examples (" +
                                      std::to_string(examples.examples.size()) + "), got " +
                                      std::to_string(options.folds));
  }
  const std::vector<int> fold_of = stratified_folds(examples, options.folds, options.seed);
  std::vector<model::Probabilities> out(examples.examples.size());
  for (int fold = 0; fold < options.folds; ++fold) {
    const data::Split rest = fold_part(examples, fold_of, fold, /*held_out=*/false);
    const data::Split held = fold_part(examples, fold_of, fold, /*held_out=*/true);
    const auto model = make_classifier();
    model->train(rest, {});
    if (model->labels() != examples.labels) {
      throw Error(ErrorKind::bad_input, "fold " + std::to_string(fold + 1) + " of " + std::to_string(options.folds) +
                                            " trained on labels " + model->labels().joined() + ", not " +
                                            examples.labels.joined() +
                                            ": a label has too few examples for this many folds (--label-folds)");
    }
    std::vector<std::string> texts;
    for (const data::Example& example : held.examples) texts.push_back(example.text);
    auto predicted = model->predict_batch(texts, options.threads);
    std::size_t next = 0;
    for (std::size_t i = 0; i < examples.examples.size(); ++i) {
      if (fold_of[i] == fold) out[i] = std::move(predicted[next++]);
    }
    if (progress) progress("cross-validating labels", static_cast<double>(fold + 1) / options.folds);
  }
  return out;
}

LabelIssueSummary triage_label_issues(ScanResult& result, const data::Split& split, const data::Split& train,
                                      const ClassifierFactory& make_classifier, const CrossValidationOptions& options,
                                      const core::ProgressCallback& progress) {
  std::vector<model::Probabilities> probabilities;
  std::vector<int> labels;
  std::size_t first = 0;  // where the split's rows start in `probabilities`
  LabelIssueSummary summary;
  if (make_classifier) {
    if (!train.examples.empty() && train.labels != split.labels) {
      throw Error(ErrorKind::internal, "label issues: the training rows' labels differ from the split's");
    }
    data::Split all;
    all.name = split.name;
    all.file = split.file;
    all.labels = split.labels;
    all.examples = train.examples;
    all.examples.insert(all.examples.end(), split.examples.begin(), split.examples.end());
    first = train.examples.size();
    probabilities = cross_validated_probabilities(make_classifier, all, options, progress);
    for (const data::Example& example : all.examples) labels.push_back(example.label);
    summary.folds = options.folds;
  } else {
    for (const ScoredExample& scored : result.scored) {
      probabilities.push_back(scored.probabilities);
      labels.push_back(scored.true_label);
    }
  }
  const LabelIssues issues = find_label_issues(probabilities, labels);
  summary.examples = probabilities.size();
  summary.class_thresholds = issues.class_thresholds;
  for (ScoredExample& scored : result.scored) {
    scored.label_issue = issues.is_issue.at(first + scored.row);
    scored.label_quality = issues.label_quality.at(first + scored.row);
    summary.split_issues += scored.label_issue ? 1 : 0;
  }
  for (std::size_t index : result.uus) summary.uu_issues += result.scored[index].label_issue ? 1 : 0;
  result.label_issues_estimated = true;
  return summary;
}

}  // namespace blindspot::discover
