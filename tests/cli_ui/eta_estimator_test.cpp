#include "ui/eta_estimator.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace blindspot::cli::ui;

TEST(EtaEstimator, GivesNoEstimateBeforeEnoughIsDoneOrEnoughTimeHasPassed) {
  EtaEstimator eta;  // 5% and 1 s at least
  EXPECT_FALSE(eta.update(0.0, 0.0));
  EXPECT_FALSE(eta.update(0.5, 0.2));   // enough done, too soon
  EtaEstimator slow;
  EXPECT_FALSE(slow.update(0.0, 0.0));
  EXPECT_FALSE(slow.update(4.0, 0.04));  // long enough, too little done
}

TEST(EtaEstimator, FirstEstimateExtrapolatesTheRateSoFar) {
  EtaEstimator eta;
  eta.update(0.0, 0.0);
  // 10% in 2 s: 90% left at 20 s per 100%.
  EXPECT_DOUBLE_EQ(eta.update(2.0, 0.1).value(), 18.0);
}

TEST(EtaEstimator, SmoothsAFasterStretchByTheTimeConstant) {
  EtaEstimator eta(EtaOptions{0.05, 1.0, 3.0});
  eta.update(0.0, 0.0);
  eta.update(2.0, 0.1);  // 18 s left
  // 1 s later: the old estimate has run down to 17 s; the raw one is 0.8 * 3 / 0.2 = 12 s;
  // the shown one moves 1 - exp(-1/3) of the way.
  const double weight = 1.0 - std::exp(-1.0 / 3.0);
  EXPECT_NEAR(eta.update(3.0, 0.2).value(), 17.0 + weight * (12.0 - 17.0), 1e-9);
}

TEST(EtaEstimator, AtASteadyRateTheEstimateIsExact) {
  EtaEstimator eta;
  eta.update(0.0, 0.0);
  EXPECT_DOUBLE_EQ(eta.update(10.0, 0.1).value(), 90.0);
  EXPECT_DOUBLE_EQ(eta.update(20.0, 0.2).value(), 80.0);
  EXPECT_NEAR(eta.update(50.0, 0.5).value(), 50.0, 1e-9);
}

TEST(EtaEstimator, MeasuresTheRateFromTheFirstObservation) {
  // A stage first reported half done (work resumed from a cache) is not nearly over.
  EtaEstimator eta;
  eta.update(0.0, 0.5);
  EXPECT_FALSE(eta.update(10.0, 0.52));
  EXPECT_DOUBLE_EQ(eta.update(10.0, 0.6).value(), 40.0);
}

TEST(EtaEstimator, IsZeroOnceDone) {
  EtaEstimator eta;
  eta.update(0.0, 0.0);
  EXPECT_DOUBLE_EQ(eta.update(0.1, 1.0).value(), 0.0);
}

TEST(FormatDuration, SecondsMinutesAndHours) {
  EXPECT_EQ(format_duration(0.4), "0s");
  EXPECT_EQ(format_duration(42.2), "42s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(7620), "2h07m");
  EXPECT_EQ(format_duration(-3), "0s");
}
