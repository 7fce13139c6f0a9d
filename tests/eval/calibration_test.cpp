#include "blindspot/eval/calibration.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace blindspot;
using namespace blindspot::eval;
using ::testing::HasSubstr;

namespace {

constexpr double kTolerance = 1e-12;

using Probabilities = std::vector<std::vector<double>>;

}  // namespace

// The worked example of docs/definitions.md: 8 binary predictions, 15 bins of width 1/15.
//   #  p(neg) p(pos) true  predicted  confidence  bin (lower, upper]        correct
//   1  0.95   0.05   neg   neg        0.95        14 (14/15, 1]             yes
//   2  0.97   0.03   pos   neg        0.97        14                        no
//   3  0.75   0.25   neg   neg        0.75        11 (11/15, 12/15=0.8]     yes
//   4  0.22   0.78   pos   pos        0.78        11                        yes
//   5  0.80   0.20   pos   neg        0.80        11 (0.8 is an upper edge) no
//   6  0.45   0.55   neg   pos        0.55         8 (8/15, 9/15=0.6]       no
//   7  0.40   0.60   pos   pos        0.60         8 (0.6 is an upper edge) yes
//   8  0.50   0.50   pos   neg (tie)  0.50         7 (7/15, 8/15]           no
// bin  7: n=1, conf 0.5,                  acc 0,   gap 0.5
// bin  8: n=2, conf (0.55+0.6)/2 = 0.575, acc 1/2, gap 0.075
// bin 11: n=3, conf 2.33/3 = 0.77667,     acc 2/3, gap 0.11
// bin 14: n=2, conf 0.96,                 acc 1/2, gap 0.46
// ECE = (1*0.5 + 2*0.075 + 3*0.11 + 2*0.46) / 8 = (0.5 + 0.15 + 0.33 + 0.92) / 8 = 1.9/8 = 0.2375
// Brier, per example 2*(1 - p_true)^2 (two classes):
//   0.005 + 1.8818 + 0.125 + 0.0968 + 1.28 + 0.605 + 0.32 + 0.5 = 4.8136; / 8 = 0.6017
TEST(Calibration, WorkedBinaryExample) {
  const Probabilities probabilities = {{0.95, 0.05}, {0.97, 0.03}, {0.75, 0.25}, {0.22, 0.78},
                                       {0.80, 0.20}, {0.45, 0.55}, {0.40, 0.60}, {0.50, 0.50}};
  const std::vector<int> true_labels = {0, 1, 0, 1, 1, 0, 1, 1};
  const Calibration result = calibration(probabilities, true_labels);
  EXPECT_NEAR(result.expected_calibration_error, 0.2375, kTolerance);
  EXPECT_NEAR(result.brier_score, 0.6017, kTolerance);

  ASSERT_EQ(result.bins.size(), 15U);
  const std::vector<std::int64_t> counts = {0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 0, 0, 2};
  for (std::size_t b = 0; b < 15; ++b) EXPECT_EQ(result.bins[b].count, counts[b]) << "bin " << b;
  EXPECT_NEAR(result.bins[7].mean_confidence, 0.5, kTolerance);
  EXPECT_EQ(result.bins[7].accuracy, 0.0);
  EXPECT_NEAR(result.bins[8].mean_confidence, 0.575, kTolerance);
  EXPECT_NEAR(result.bins[8].accuracy, 0.5, kTolerance);
  EXPECT_NEAR(result.bins[11].mean_confidence, 2.33 / 3.0, kTolerance);
  EXPECT_NEAR(result.bins[11].accuracy, 2.0 / 3.0, kTolerance);
  EXPECT_NEAR(result.bins[14].mean_confidence, 0.96, kTolerance);
  EXPECT_NEAR(result.bins[14].accuracy, 0.5, kTolerance);
  // Empty bins report zeros, and the edges tile [0, 1].
  EXPECT_EQ(result.bins[0].mean_confidence, 0.0);
  EXPECT_EQ(result.bins[0].accuracy, 0.0);
  EXPECT_EQ(result.bins[0].lower, 0.0);
  EXPECT_EQ(result.bins[14].upper, 1.0);
  for (std::size_t b = 1; b < 15; ++b) EXPECT_EQ(result.bins[b].lower, result.bins[b - 1].upper);
  EXPECT_EQ(result.bins[11].upper, 0.8);
}

// Three classes: [0.7 0.2 0.1] true 0 -> 0.3^2 + 0.2^2 + 0.1^2 = 0.14 (correct, conf 0.7, bin 10);
//                [0.1 0.6 0.3] true 2 -> 0.1^2 + 0.6^2 + 0.7^2 = 0.86 (wrong, conf 0.6, bin 8).
// Brier = (0.14 + 0.86) / 2 = 0.5; ECE = 1/2 * |1 - 0.7| + 1/2 * |0 - 0.6| = 0.45.
TEST(Calibration, WorkedThreeClassBrier) {
  const Calibration result = calibration({{0.7, 0.2, 0.1}, {0.1, 0.6, 0.3}}, {0, 2});
  EXPECT_NEAR(result.brier_score, 0.5, kTolerance);
  EXPECT_NEAR(result.expected_calibration_error, 0.45, kTolerance);
  EXPECT_EQ(result.bins[10].count, 1);
  EXPECT_EQ(result.bins[8].count, 1);
}

// For two classes the multi-class Brier counts the error twice: (0.7-1)^2 + (0.3-0)^2 = 0.18,
// while the "binary" Brier on the positive class is (0.3 - 0)^2 = 0.09.
TEST(Calibration, TwoClassBrierIsTwiceTheBinaryBrier) {
  const Calibration result = calibration({{0.7, 0.3}}, {0});
  EXPECT_NEAR(result.brier_score, 0.18, kTolerance);
  EXPECT_NEAR(result.brier_score, 2 * 0.3 * 0.3, kTolerance);
}

TEST(Calibration, CorrectOneHotPredictionsArePerfectlyCalibrated) {
  const Calibration result = calibration({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}}, {0, 1, 2, 0});
  EXPECT_EQ(result.expected_calibration_error, 0.0);
  EXPECT_EQ(result.brier_score, 0.0);
  EXPECT_EQ(result.bins[14].count, 4);
  EXPECT_EQ(result.bins[14].accuracy, 1.0);
  EXPECT_EQ(result.bins[14].mean_confidence, 1.0);
}

// Uniform over 4 classes: confidence 0.25 (bin 3, (0.2, 0.2667]), prediction class 0 by the
// tie rule. Brier per example = 0.75^2 + 3 * 0.25^2 = 0.75 = 1 - 1/K.
TEST(Calibration, UniformPredictions) {
  const Probabilities uniform(4, std::vector<double>(4, 0.25));
  // One example per class: accuracy 1/4 equals confidence, so ECE is 0.
  const Calibration balanced = calibration(uniform, {0, 1, 2, 3});
  EXPECT_NEAR(balanced.expected_calibration_error, 0.0, kTolerance);
  EXPECT_NEAR(balanced.brier_score, 0.75, kTolerance);
  EXPECT_EQ(balanced.bins[3].count, 4);
  EXPECT_NEAR(balanced.bins[3].accuracy, 0.25, kTolerance);
  // No example of class 0: accuracy 0, ECE = |0 - 0.25|.
  const Calibration missed = calibration(uniform, {1, 1, 2, 3});
  EXPECT_NEAR(missed.expected_calibration_error, 0.25, kTolerance);
  EXPECT_NEAR(missed.brier_score, 0.75, kTolerance);
}

TEST(Calibration, TiesGoToTheFirstClass) {
  EXPECT_EQ(calibration({{0.4, 0.4, 0.2}}, {0}).bins[5].accuracy, 1.0);  // 0.4 is in (5/15, 6/15]
  EXPECT_EQ(calibration({{0.4, 0.4, 0.2}}, {1}).bins[5].accuracy, 0.0);
}

TEST(Calibration, BoundaryConfidencesGoToTheBinBelowTheEdge) {
  // conf 1.0 -> last bin; conf 2/15 -> bin 1, (1/15, 2/15]; conf 0 (all zero) -> bin 0.
  const Calibration result = calibration({{1.0, 0.0}, {2.0 / 15.0, 0.0}, {0.0, 0.0}}, {0, 0, 0});
  EXPECT_EQ(result.bins[14].count, 1);
  EXPECT_EQ(result.bins[1].count, 1);
  EXPECT_EQ(result.bins[0].count, 1);
  EXPECT_EQ(result.bins[2].count, 0);
}

TEST(CalibrationBin, EdgesAreUpperInclusive) {
  EXPECT_EQ(calibration_bin(0.0, 15), 0);
  EXPECT_EQ(calibration_bin(1.0, 15), 14);
  EXPECT_EQ(calibration_bin(2.0 / 15.0, 15), 1);
  EXPECT_EQ(calibration_bin(std::nextafter(2.0 / 15.0, 1.0), 15), 2);
  EXPECT_EQ(calibration_bin(std::numeric_limits<double>::min(), 15), 0);
  EXPECT_EQ(calibration_bin(0.5, 15), 7);
  EXPECT_EQ(calibration_bin(0.65, 15), 9);  // 0.65 * 15 = 9.75
  // A model's float output can exceed 1 by round-off; it stays in the last bin.
  EXPECT_EQ(calibration_bin(1.0000001, 15), 14);
  EXPECT_EQ(calibration_bin(0.3, 1), 0);
}

// Cases where ceil(confidence * bins) - 1 alone is one bin off, because the product rounds:
// (7/25) * 25 = 7.000000000000001 and nextafter(11/15) * 15 = 11.0 in doubles.
TEST(CalibrationBin, CorrectsTheRoundingOfTheProduct) {
  EXPECT_EQ(calibration_bin(7.0 / 25.0, 25), 6);
  EXPECT_EQ(calibration_bin(std::nextafter(11.0 / 15.0, 1.0), 15), 11);
}

TEST(CalibrationBin, EveryEdgeForManyBinCounts) {
  for (int bins = 1; bins <= 200; ++bins) {
    for (int k = 1; k <= bins; ++k) {
      const double edge = static_cast<double>(k) / static_cast<double>(bins);
      ASSERT_EQ(calibration_bin(edge, bins), k - 1) << k << "/" << bins;
      if (k < bins) {
        ASSERT_EQ(calibration_bin(std::nextafter(edge, 2.0), bins), k) << "just above " << k << "/" << bins;
      }
    }
  }
}

TEST(Calibration, NoExamplesGiveZeroesAndEmptyBins) {
  const Calibration result = calibration({}, {}, 10);
  EXPECT_EQ(result.expected_calibration_error, 0.0);
  EXPECT_EQ(result.brier_score, 0.0);
  ASSERT_EQ(result.bins.size(), 10U);
  EXPECT_EQ(result.bins[3].lower, 0.3);
  EXPECT_EQ(result.bins[3].upper, 0.4);
  for (const auto& bin : result.bins) EXPECT_EQ(bin.count, 0);
}

TEST(Calibration, LengthMismatchIsAnInternalError) {
  const core::Error error = test::expect_error([] { calibration({{0.5, 0.5}}, {0, 1}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_STREQ(error.what(), "calibration: 1 probability vectors but 2 true labels");
}

TEST(Calibration, EmptyProbabilityVectorIsAnInternalError) {
  const core::Error error = test::expect_error([] { calibration({{}}, {0}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_STREQ(error.what(), "calibration: empty probability vector of example 0");
}

TEST(Calibration, UnequalProbabilityVectorsAreAnInternalError) {
  const core::Error error = test::expect_error([] { calibration({{0.5, 0.5}, {0.2, 0.3, 0.5}}, {0, 1}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_STREQ(error.what(),
               "calibration: probability vector of example 1 has 3 classes, expected 2 (as in example 0)");
}

TEST(Calibration, TrueLabelOutOfRangeIsAnInternalError) {
  const core::Error error = test::expect_error([] { calibration({{0.5, 0.5}, {0.9, 0.1}}, {0, 2}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_STREQ(error.what(), "calibration: true label 2 of example 1 is out of range (2 classes)");
}

TEST(Calibration, NotANumberIsAnInternalError) {
  const core::Error error =
      test::expect_error([] { calibration({{std::numeric_limits<double>::quiet_NaN(), 0.5}}, {0}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("of class 0 of example 0 is not a finite non-negative number"));
}

TEST(Calibration, ZeroBinsIsAUsageError) {
  const core::Error error = test::expect_error([] { calibration({{0.5, 0.5}}, {0}, 0); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_STREQ(error.what(), "the number of calibration bins must be at least 1 (got 0)");
}
