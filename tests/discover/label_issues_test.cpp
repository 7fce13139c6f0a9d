#include "blindspot/discover/label_issues.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>

using namespace blindspot;

namespace {

// Hand-computed: thresholds t0 = (0.8 + 0.6 + 0.1) / 3 = 0.5, t1 = (0.7 + 0.6) / 2 = 0.65,
// t2 = (0.5 + 0.45) / 2 = 0.475.
const std::vector<model::Probabilities> kProbabilities = {
    {0.8, 0.1, 0.1},    // 0: labelled 0, only class 0 passes: kept
    {0.6, 0.3, 0.1},    // 1: labelled 0, only class 0 passes: kept
    {0.1, 0.8, 0.1},    // 2: labelled 0, only class 1 passes: issue
    {0.2, 0.7, 0.1},    // 3: labelled 1, class 1 passes: kept
    {0.3, 0.6, 0.1},    // 4: labelled 1, no class passes (0.6 < 0.65): kept, though unsure
    {0.3, 0.2, 0.5},    // 5: labelled 2, class 2 passes: kept
    {0.55, 0.0, 0.45},  // 6: labelled 2, class 0 passes and class 2 does not (0.45 < 0.475): issue
};
const std::vector<int> kLabels = {0, 0, 0, 1, 1, 2, 2};

TEST(FindLabelIssues, ThresholdsAreMeanSelfConfidencePerClass) {
  const auto issues = discover::find_label_issues(kProbabilities, kLabels);
  ASSERT_EQ(issues.class_thresholds.size(), 3u);
  EXPECT_NEAR(issues.class_thresholds[0], 0.5, 1e-12);
  EXPECT_NEAR(issues.class_thresholds[1], 0.65, 1e-12);
  EXPECT_NEAR(issues.class_thresholds[2], 0.475, 1e-12);
}

TEST(FindLabelIssues, FlagsOffDiagonalConfidentClasses) {
  const auto issues = discover::find_label_issues(kProbabilities, kLabels);
  EXPECT_EQ(issues.is_issue, (std::vector<bool>{false, false, true, false, false, false, true}));
  EXPECT_EQ(issues.confident_label, (std::vector<int>{0, 0, 1, 1, -1, 2, 0}));
  EXPECT_EQ(issues.count(), 2u);
  EXPECT_EQ(issues.label_quality, (std::vector<double>{0.8, 0.6, 0.1, 0.7, 0.6, 0.5, 0.45}));
}

TEST(FindLabelIssues, AProbabilityEqualToItsThresholdPasses) {
  // t0 = 0.5 exactly (one example); t1 = 0.4. The second row reaches t1 exactly.
  const auto issues = discover::find_label_issues({{0.5, 0.5}, {0.6, 0.4}}, {0, 1});
  EXPECT_EQ(issues.confident_label, (std::vector<int>{0, 0}));
  EXPECT_EQ(issues.is_issue, (std::vector<bool>{false, true}));
}

TEST(FindLabelIssues, AmongPassingClassesTheLargestProbabilityWins) {
  // t0 = (0.3 + 0.35) / 2 = 0.325, t1 = 0.3: row 1 passes both, class 1 is larger.
  const auto issues = discover::find_label_issues({{0.3, 0.7}, {0.35, 0.65}, {0.7, 0.3}}, {0, 0, 1});
  EXPECT_EQ(issues.confident_label, (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(issues.is_issue, (std::vector<bool>{true, true, true}));
}

TEST(FindLabelIssues, TheArgmaxAloneIsNotEnough) {
  // t0 = 0.9, t1 = (0.6 + 0.4) / 2 = 0.5: row 3's argmax is class 0 but 0.6 < t0, and 0.4 < t1.
  const auto issues = discover::find_label_issues({{0.9, 0.1}, {0.9, 0.1}, {0.4, 0.6}, {0.6, 0.4}}, {0, 0, 1, 1});
  EXPECT_EQ(issues.confident_label[3], -1);
  EXPECT_FALSE(issues.is_issue[3]);
  EXPECT_EQ(issues.count(), 0u);
}

TEST(FindLabelIssues, AClassNobodyCarriesIsNeverConfident) {
  // t0 = 0.01, t1 = 0.8; class 2's 0.99 cannot count, so row 0 stays with its own class.
  const auto issues = discover::find_label_issues({{0.01, 0.0, 0.99}, {0.2, 0.8, 0.0}}, {0, 1});
  EXPECT_GT(issues.class_thresholds[2], 1.0);
  EXPECT_EQ(issues.confident_label[0], 0);
  EXPECT_FALSE(issues.is_issue[0]);
}

TEST(FindLabelIssues, NoExamplesGiveNoIssues) {
  const auto issues = discover::find_label_issues({}, {});
  EXPECT_EQ(issues.count(), 0u);
  EXPECT_TRUE(issues.class_thresholds.empty());
}

TEST(FindLabelIssues, BadShapesAreErrors) {
  auto error = test::expect_error([] { discover::find_label_issues({{0.5, 0.5}, {1.0}}, {0, 1}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("row 1 has 1 probabilities, row 0 has 2"));
  error = test::expect_error([] { discover::find_label_issues({{0.5, 0.5}}, {2}); });
  EXPECT_THAT(error.what(), ::testing::HasSubstr("row 0 has label 2, outside the 2 classes"));
}

// Predicts the label shares it was trained on and records what it saw, so that the test can tell
// which rows each fold's model trained on.
class PriorClassifier final : public model::Classifier {
 public:
  PriorClassifier(std::vector<std::set<std::string>>& trained_on, data::LabelSet labels)
      : trained_on_(trained_on), labels_(std::move(labels)) {}
  std::string kind() const override { return "prior"; }
  std::string options_json() const override { return "{}"; }
  void train(const data::Split& train, const core::ProgressCallback&) override {
    std::set<std::string> texts;
    std::vector<double> counts(train.labels.size(), 0.0);
    for (const auto& example : train.examples) {
      texts.insert(example.text);
      counts[static_cast<std::size_t>(example.label)] += 1;
    }
    for (double& count : counts) count /= static_cast<double>(train.examples.size());
    prior_ = counts;
    seen_ = texts;
    trained_on_.push_back(std::move(texts));
    std::vector<std::string> present;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      if (counts[k] > 0) present.push_back(train.labels.name(k));
    }
    labels_ = data::LabelSet(present);
  }
  const data::LabelSet& labels() const override { return labels_; }
  model::Probabilities probabilities(std::string_view text) const override {
    if (seen_.count(std::string(text))) throw std::logic_error("predicted a training row: " + std::string(text));
    return prior_;
  }
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}

 private:
  std::vector<std::set<std::string>>& trained_on_;
  data::LabelSet labels_;
  std::set<std::string> seen_;
  model::Probabilities prior_;
};

data::Split make_rows(std::size_t negatives, std::size_t positives) {
  data::Split split;
  split.name = "rows";
  split.labels = data::LabelSet({"negative", "positive"});
  for (std::size_t i = 0; i < negatives + positives; ++i) {
    split.examples.push_back({"row " + std::to_string(i), i < negatives ? 0 : 1, static_cast<std::int64_t>(i) + 2});
  }
  return split;
}

TEST(CrossValidation, EveryRowIsPredictedByAModelThatNeverSawIt) {
  const auto rows = make_rows(30, 20);
  std::vector<std::set<std::string>> trained_on;
  const discover::ClassifierFactory factory = [&] {
    return std::make_unique<PriorClassifier>(trained_on, data::LabelSet({"negative", "positive"}));
  };
  discover::CrossValidationOptions options;
  options.folds = 5;
  options.threads = 1;
  const auto probabilities = discover::cross_validated_probabilities(factory, rows, options);
  ASSERT_EQ(probabilities.size(), 50u);
  ASSERT_EQ(trained_on.size(), 5u);
  // Stratified: each fold holds 6 negatives and 4 positives, so every model trains on 40 rows
  // with the shares 24/40 and 16/40.
  for (const auto& texts : trained_on) EXPECT_EQ(texts.size(), 40u);
  for (const auto& row : probabilities) {
    EXPECT_DOUBLE_EQ(row[0], 0.6);
    EXPECT_DOUBLE_EQ(row[1], 0.4);
  }
}

TEST(CrossValidation, FoldsDependOnTheSeedOnly) {
  const auto rows = make_rows(12, 8);
  const auto folds_for = [&](std::uint64_t seed) {
    std::vector<std::set<std::string>> trained_on;
    const discover::ClassifierFactory factory = [&] {
      return std::make_unique<PriorClassifier>(trained_on, rows.labels);
    };
    discover::CrossValidationOptions options;
    options.folds = 4;
    options.seed = seed;
    discover::cross_validated_probabilities(factory, rows, options);
    return trained_on;
  };
  EXPECT_EQ(folds_for(7), folds_for(7));
  EXPECT_NE(folds_for(7), folds_for(8));
}

TEST(CrossValidation, FoldCountsOutsideTheDataAreUsageErrors) {
  const auto rows = make_rows(2, 1);
  std::vector<std::set<std::string>> trained_on;
  const discover::ClassifierFactory factory = [&] {
    return std::make_unique<PriorClassifier>(trained_on, rows.labels);
  };
  discover::CrossValidationOptions options;
  options.folds = 1;
  auto error = test::expect_error([&] { discover::cross_validated_probabilities(factory, rows, options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("--label-folds must be between 2 and the number of examples (3)"));
  options.folds = 3;
  // One positive: the fold that holds it trains without it.
  error = test::expect_error([&] { discover::cross_validated_probabilities(factory, rows, options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("a label has too few examples for this many folds"));
}

// A table of probabilities by text, as a predictions file gives them.
class TableClassifier final : public model::Classifier {
 public:
  explicit TableClassifier(std::map<std::string, model::Probabilities> table) : table_(std::move(table)) {}
  std::string kind() const override { return "table"; }
  std::string options_json() const override { return "{}"; }
  void train(const data::Split&, const core::ProgressCallback&) override {}
  const data::LabelSet& labels() const override { return labels_; }
  model::Probabilities probabilities(std::string_view text) const override { return table_.at(std::string(text)); }
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}

 private:
  data::LabelSet labels_ = data::LabelSet(std::vector<std::string>{"negative", "positive"});
  std::map<std::string, model::Probabilities> table_;
};

TEST(TriageLabelIssues, GivenProbabilitiesMarkTheScan) {
  data::Split split = make_rows(0, 0);
  split.name = "dev";
  // t0 = (0.9 + 0.8 + 0.1) / 3 = 0.6, t1 = (0.7 + 0.3) / 2 = 0.5.
  const std::vector<std::pair<model::Probabilities, int>> rows = {
      {{0.9, 0.1}, 0}, {{0.8, 0.2}, 0}, {{0.1, 0.9}, 0}, {{0.3, 0.7}, 1}, {{0.7, 0.3}, 1}};
  std::map<std::string, model::Probabilities> table;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    split.examples.push_back({"row " + std::to_string(i), rows[i].second, static_cast<std::int64_t>(i) + 2});
    table["row " + std::to_string(i)] = rows[i].first;
  }
  const TableClassifier model(table);
  auto result = discover::scan(model, split, {});
  EXPECT_EQ(result.uus, (std::vector<std::size_t>{2, 4}));
  const auto summary = discover::triage_label_issues(result, split, data::Split{}, {}, {});
  EXPECT_TRUE(result.label_issues_estimated);
  EXPECT_EQ(summary.folds, 0);
  EXPECT_EQ(summary.examples, 5u);
  EXPECT_NEAR(summary.class_thresholds[0], 0.6, 1e-12);
  EXPECT_NEAR(summary.class_thresholds[1], 0.5, 1e-12);
  // Row 2 (labelled negative, 0.9 positive) and row 4 (labelled positive, 0.7 negative) are both
  // confidently of the other class.
  EXPECT_EQ(summary.split_issues, 2);
  EXPECT_EQ(summary.uu_issues, 2);
  EXPECT_TRUE(result.scored[2].label_issue);
  EXPECT_DOUBLE_EQ(result.scored[2].label_quality, 0.1);
  EXPECT_FALSE(result.scored[0].label_issue);
  EXPECT_DOUBLE_EQ(result.scored[0].label_quality, 0.9);
}

TEST(TriageLabelIssues, CrossValidationCoversTrainAndSplitAndMarksTheSplitRows) {
  const auto train = make_rows(10, 10);
  data::Split dev = make_rows(5, 5);
  dev.name = "dev";
  for (auto& example : dev.examples) example.text = "dev " + example.text;
  std::vector<std::set<std::string>> trained_on;
  const discover::ClassifierFactory factory = [&] { return std::make_unique<PriorClassifier>(trained_on, dev.labels); };
  std::map<std::string, model::Probabilities> table;
  for (const auto& example : dev.examples) table[example.text] = {0.5, 0.5};
  const TableClassifier model(table);
  auto result = discover::scan(model, dev, {});
  discover::CrossValidationOptions options;
  options.folds = 3;
  const auto summary = discover::triage_label_issues(result, dev, train, factory, options);
  EXPECT_EQ(summary.folds, 3);
  EXPECT_EQ(summary.examples, 30u);
  ASSERT_EQ(trained_on.size(), 3u);
  for (const auto& texts : trained_on) EXPECT_EQ(texts.size(), 20u);
  // Every model predicts the balanced prior 0.5/0.5: each class reaches its threshold 0.5, the
  // first class wins the tie, so the positive rows are flagged.
  EXPECT_EQ(summary.split_issues, 5);
  EXPECT_TRUE(result.scored[7].label_issue);
  EXPECT_FALSE(result.scored[2].label_issue);
  EXPECT_DOUBLE_EQ(result.scored[7].label_quality, 0.5);
}

}  // namespace
