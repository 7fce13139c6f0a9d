#include "blindspot/eval/classification_metrics.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using namespace blindspot::eval;
using ::testing::HasSubstr;

namespace {

constexpr double kTolerance = 1e-12;

using Confusion = std::vector<std::vector<std::int64_t>>;

}  // namespace

// Three classes; "b" occurs but is never predicted, "c" is predicted but never occurs.
//   true:      a a a a b b b
//   predicted: a a a c a c a
// confusion[true][predicted] = a: [3 0 1], b: [2 0 1], c: [0 0 0]
//   a: TP 3, predicted 5, support 4 -> P 3/5, R 3/4, F1 = 2*3/(5+4) = 2/3
//   b: TP 0, predicted 0 (P = 0 by convention), support 3 -> R 0, F1 0
//   c: TP 0, predicted 2 -> P 0; support 0 (R = 0 by convention), F1 0
// accuracy = 3/7; macro-F1 = (2/3 + 0 + 0) / 3 = 2/9 (all three labels count).
TEST(ClassificationMetrics, ThreeClassesWithAnUnpredictedAndAnAbsentClass) {
  const auto metrics =
      classification_metrics({0, 0, 0, 0, 1, 1, 1}, {0, 0, 0, 2, 0, 2, 0}, {"a", "b", "c"});
  EXPECT_EQ(metrics.count, 7);
  EXPECT_NEAR(metrics.accuracy, 3.0 / 7.0, kTolerance);
  EXPECT_NEAR(metrics.macro_f1, 2.0 / 9.0, kTolerance);
  EXPECT_EQ(metrics.confusion, (Confusion{{3, 0, 1}, {2, 0, 1}, {0, 0, 0}}));
  ASSERT_EQ(metrics.per_class.size(), 3U);

  EXPECT_EQ(metrics.per_class[0].label, "a");
  EXPECT_NEAR(metrics.per_class[0].precision, 0.6, kTolerance);
  EXPECT_NEAR(metrics.per_class[0].recall, 0.75, kTolerance);
  EXPECT_NEAR(metrics.per_class[0].f1, 2.0 / 3.0, kTolerance);
  EXPECT_EQ(metrics.per_class[0].support, 4);

  EXPECT_EQ(metrics.per_class[1].label, "b");
  EXPECT_EQ(metrics.per_class[1].precision, 0.0);
  EXPECT_EQ(metrics.per_class[1].recall, 0.0);
  EXPECT_EQ(metrics.per_class[1].f1, 0.0);
  EXPECT_EQ(metrics.per_class[1].support, 3);

  EXPECT_EQ(metrics.per_class[2].label, "c");
  EXPECT_EQ(metrics.per_class[2].precision, 0.0);
  EXPECT_EQ(metrics.per_class[2].recall, 0.0);
  EXPECT_EQ(metrics.per_class[2].f1, 0.0);
  EXPECT_EQ(metrics.per_class[2].support, 0);
}

// Binary: 4 positives, 6 negatives.
//   true:      pos pos pos pos neg neg neg neg neg neg
//   predicted: pos pos pos neg pos pos neg neg neg neg
// confusion = neg: [4 2], pos: [1 3]
//   neg: TP 4, FP 1, FN 2 -> P 4/5, R 4/6, F1 = 8/(8+1+2) = 8/11
//   pos: TP 3, FP 2, FN 1 -> P 3/5, R 3/4, F1 = 6/(6+2+1) = 2/3
// accuracy = 7/10; macro-F1 = (8/11 + 2/3) / 2 = 23/33.
TEST(ClassificationMetrics, BinaryExample) {
  const auto metrics =
      classification_metrics({1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, {1, 1, 1, 0, 1, 1, 0, 0, 0, 0}, {"neg", "pos"});
  EXPECT_EQ(metrics.count, 10);
  EXPECT_NEAR(metrics.accuracy, 0.7, kTolerance);
  EXPECT_NEAR(metrics.macro_f1, 23.0 / 33.0, kTolerance);
  EXPECT_EQ(metrics.confusion, (Confusion{{4, 2}, {1, 3}}));
  ASSERT_EQ(metrics.per_class.size(), 2U);
  EXPECT_NEAR(metrics.per_class[0].precision, 0.8, kTolerance);
  EXPECT_NEAR(metrics.per_class[0].recall, 4.0 / 6.0, kTolerance);
  EXPECT_NEAR(metrics.per_class[0].f1, 8.0 / 11.0, kTolerance);
  EXPECT_EQ(metrics.per_class[0].support, 6);
  EXPECT_NEAR(metrics.per_class[1].precision, 0.6, kTolerance);
  EXPECT_NEAR(metrics.per_class[1].recall, 0.75, kTolerance);
  EXPECT_NEAR(metrics.per_class[1].f1, 2.0 / 3.0, kTolerance);
  EXPECT_EQ(metrics.per_class[1].support, 4);
}

TEST(ClassificationMetrics, PerfectPredictionsScoreOne) {
  const auto metrics = classification_metrics({0, 1, 2, 1}, {0, 1, 2, 1}, {"x", "y", "z"});
  EXPECT_EQ(metrics.accuracy, 1.0);
  EXPECT_EQ(metrics.macro_f1, 1.0);
  for (const auto& c : metrics.per_class) {
    EXPECT_EQ(c.precision, 1.0) << c.label;
    EXPECT_EQ(c.recall, 1.0) << c.label;
    EXPECT_EQ(c.f1, 1.0) << c.label;
  }
}

TEST(ClassificationMetrics, NoExamplesGiveZeroedMetricsWithEveryLabel) {
  const auto metrics = classification_metrics({}, {}, {"neg", "pos"});
  EXPECT_EQ(metrics.count, 0);
  EXPECT_EQ(metrics.accuracy, 0.0);
  EXPECT_EQ(metrics.macro_f1, 0.0);
  EXPECT_EQ(metrics.confusion, (Confusion{{0, 0}, {0, 0}}));
  ASSERT_EQ(metrics.per_class.size(), 2U);
  EXPECT_EQ(metrics.per_class[1].label, "pos");
  EXPECT_EQ(metrics.per_class[1].f1, 0.0);
  EXPECT_EQ(metrics.per_class[1].support, 0);
}

TEST(ClassificationMetrics, LengthMismatchIsAnInternalError) {
  const core::Error error = test::expect_error([] { classification_metrics({0, 1, 0}, {0, 1}, {"neg", "pos"}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_STREQ(error.what(), "classification_metrics: 3 true labels but 2 predicted labels");
}

TEST(ClassificationMetrics, TrueLabelOutOfRangeIsAnInternalError) {
  const core::Error error = test::expect_error([] { classification_metrics({0, 2}, {0, 1}, {"neg", "pos"}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_STREQ(error.what(), "classification_metrics: true label 2 of example 1 is out of range (2 labels)");
}

TEST(ClassificationMetrics, NegativePredictedLabelIsAnInternalError) {
  const core::Error error = test::expect_error([] { classification_metrics({0, 1}, {-1, 1}, {"neg", "pos"}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("predicted label -1 of example 0 is out of range (2 labels)"));
}
