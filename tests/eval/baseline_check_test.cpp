#include "blindspot/eval/baseline_check.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

using namespace blindspot;
using namespace blindspot::eval;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

constexpr double kTolerance = 1e-12;

const data::LabelSet kLabels({"negative", "positive"});

// A train split with `negative` rows of label 0 and `positive` rows of label 1.
data::Split train_split(int negative, int positive) {
  data::Split split;
  split.name = "train";
  split.labels = kLabels;
  for (int i = 0; i < negative; ++i) split.examples.push_back({"n", 0, i + 2});
  for (int i = 0; i < positive; ++i) split.examples.push_back({"p", 1, negative + i + 2});
  return split;
}

// A scan of (true, predicted) pairs.
discover::ScanResult scan_of(const std::vector<std::pair<int, int>>& outcomes) {
  discover::ScanResult scan;
  for (const auto& [truth, predicted] : outcomes) {
    discover::ScoredExample scored;
    scored.row = scan.scored.size();
    scored.true_label = truth;
    scored.predicted_label = predicted;
    scored.confidence = 0.9;
    scan.scored.push_back(scored);
  }
  return scan;
}

// 10 test rows: 6 negative (5 read right), 4 positive (1 read right): accuracy 6/10.
discover::ScanResult weak_scan() {
  return scan_of({{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 0}, {1, 0}, {1, 0}});
}

}  // namespace

TEST(BaselineCheck, MajorityRateIsTrainsMajorityLabelOnTheCheckedSplit) {
  // Train's majority is positive (7 of 10); on the test scan positive is 4 of 10 rows.
  const BaselineCheck check = check_baseline(kLabels, train_split(3, 7), weak_scan(), nullptr);
  EXPECT_EQ(check.majority_label, "positive");
  EXPECT_NEAR(check.majority_rate, 0.4, kTolerance);
  EXPECT_NEAR(check.accuracy, 0.6, kTolerance);
  EXPECT_FALSE(check.train_accuracy.has_value());
}

TEST(BaselineCheck, RecallPerClassInLabelOrder) {
  const BaselineCheck check = check_baseline(kLabels, train_split(3, 7), weak_scan(), nullptr);
  ASSERT_EQ(check.recall.size(), 2U);
  EXPECT_EQ(check.recall[0].label, "negative");
  EXPECT_EQ(check.recall[0].support, 6);
  EXPECT_NEAR(check.recall[0].recall, 5.0 / 6.0, kTolerance);
  EXPECT_EQ(check.recall[1].label, "positive");
  EXPECT_EQ(check.recall[1].support, 4);
  EXPECT_NEAR(check.recall[1].recall, 0.25, kTolerance);
}

TEST(BaselineCheck, AccuracyAtTheMajorityRateIsReported) {
  // Train's majority is negative; negative is 6 of 10 test rows, the model reads 6 right.
  BaselineCheckOptions options;
  options.recall_floor = 0.0;
  const BaselineCheck check = check_baseline(kLabels, train_split(7, 3), weak_scan(), nullptr, options);
  EXPECT_NEAR(check.majority_rate, 0.6, kTolerance);
  EXPECT_THAT(check.warnings,
              ElementsAre("test accuracy 0.6000 is at or below the majority-class rate 0.6000 (always answering "
                          "\"negative\"): the model has not learned the task"));
  EXPECT_TRUE(check.falls_short());
}

TEST(BaselineCheck, MajorityMarginWidensTheBound) {
  BaselineCheckOptions options;
  options.recall_floor = 0.0;
  options.majority_margin = 0.25;  // 0.6 <= 0.4 + 0.25
  EXPECT_EQ(check_baseline(kLabels, train_split(3, 7), weak_scan(), nullptr, options).warnings.size(), 1U);
  options.majority_margin = 0.15;  // 0.6 > 0.4 + 0.15
  EXPECT_TRUE(check_baseline(kLabels, train_split(3, 7), weak_scan(), nullptr, options).warnings.empty());
}

TEST(BaselineCheck, RecallBelowTheFloorIsReportedPerClass) {
  BaselineCheckOptions options;
  options.recall_floor = 0.3;  // positive 0.25 is below, negative 0.8333 is not
  options.split = "dev";
  const BaselineCheck check = check_baseline(kLabels, train_split(3, 7), weak_scan(), nullptr, options);
  EXPECT_THAT(check.warnings, ElementsAre("recall of \"positive\" is 0.2500 on dev (4 rows), below 0.30: the model "
                                          "misses most rows of this class"));
}

TEST(BaselineCheck, ClassWithoutRowsInTheSplitIsNotReported) {
  BaselineCheckOptions options;
  options.recall_floor = 0.9;
  // Only negative rows, all read right: positive has no support, so no recall to fall short.
  const BaselineCheck check = check_baseline(kLabels, train_split(3, 7), scan_of({{0, 0}, {0, 0}}), nullptr, options);
  EXPECT_EQ(check.recall[1].support, 0);
  EXPECT_TRUE(check.warnings.empty());
}

TEST(BaselineCheck, TrainAccuracyBelowTheBoundIsUnderfitting) {
  // Train scan: 7 of 10 right.
  const auto train_scan = scan_of({{0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 0}, {1, 0}});
  BaselineCheckOptions options;
  options.recall_floor = 0.0;
  const BaselineCheck check = check_baseline(kLabels, train_split(3, 7), weak_scan(), &train_scan, options);
  ASSERT_TRUE(check.train_accuracy.has_value());
  EXPECT_NEAR(*check.train_accuracy, 0.7, kTolerance);
  EXPECT_THAT(check.warnings,
              ElementsAre("train-set accuracy 0.7000 is below 0.90: the model underfits its own training data (more "
                          "epochs or a higher learning rate may help; tuning on dev does this)"));
}

TEST(BaselineCheck, SoundModelHasNoWarnings) {
  const auto perfect = scan_of({{0, 0}, {1, 1}, {1, 1}, {0, 0}});
  const BaselineCheck check = check_baseline(kLabels, train_split(3, 7), perfect, &perfect);
  EXPECT_NEAR(check.accuracy, 1.0, kTolerance);
  EXPECT_NEAR(check.majority_rate, 0.5, kTolerance);
  EXPECT_FALSE(check.falls_short());
}

TEST(BaselineCheck, TieForTheMajorityTakesTheFirstLabel) {
  EXPECT_EQ(check_baseline(kLabels, train_split(5, 5), weak_scan(), nullptr).majority_label, "negative");
}

TEST(BaselineCheck, TrainLabelsAreMatchedToTheModelsByName) {
  // The model's labels in the other order: train's majority "positive" is the model's label 0.
  const data::LabelSet model_labels({"positive", "negative"});
  const auto scan = scan_of({{0, 0}, {1, 1}, {1, 0}, {1, 1}});  // 1 positive row of 4
  const BaselineCheck check = check_baseline(model_labels, train_split(3, 7), scan, nullptr);
  EXPECT_EQ(check.majority_label, "positive");
  EXPECT_NEAR(check.majority_rate, 0.25, kTolerance);
}

TEST(BaselineCheck, EmptySplitsAreBadInput) {
  EXPECT_EQ(test::expect_error([] { check_baseline(kLabels, train_split(0, 0), weak_scan(), nullptr); }).kind(),
            core::ErrorKind::bad_input);
  EXPECT_THAT(test::expect_error([] { check_baseline(kLabels, train_split(3, 7), scan_of({}), nullptr); }).what(),
              HasSubstr("the test split has no rows"));
}

TEST(BaselineCheck, JsonRoundTripKeepsEveryField) {
  const auto train_scan = scan_of({{0, 0}, {1, 0}});
  const BaselineCheck check = check_baseline(kLabels, train_split(3, 7), weak_scan(), &train_scan);
  const BaselineCheck back = baseline_check_from_json(to_json(check));
  EXPECT_EQ(back.accuracy, check.accuracy);
  EXPECT_EQ(back.majority_label, "positive");
  EXPECT_EQ(back.majority_rate, check.majority_rate);
  EXPECT_EQ(back.train_accuracy, std::optional<double>(0.5));
  ASSERT_EQ(back.recall.size(), 2U);
  EXPECT_EQ(back.recall[1].support, 4);
  EXPECT_EQ(back.recall[1].recall, 0.25);
  EXPECT_EQ(back.warnings, check.warnings);
  EXPECT_EQ(test::expect_error([] { baseline_check_from_json("{}"); }).kind(), core::ErrorKind::bad_input);
}
