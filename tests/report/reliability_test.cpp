#include "blindspot/report/reliability.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using blindspot::test::expect_error;
using ::testing::HasSubstr;

TEST(PoolReliabilityBins, WeighsEachSeedByItsCount) {
  const std::vector<eval::ReliabilityBin> seed1 = {{0, 0.5, 2, 0.4, 0.5}, {0.5, 1, 6, 0.9, 1.0}};
  const std::vector<eval::ReliabilityBin> seed2 = {{0, 0.5, 0, 0, 0}, {0.5, 1, 2, 0.7, 0.5}};
  const auto pooled = report::pool_reliability_bins({seed1, seed2});
  ASSERT_EQ(pooled.size(), 2U);
  EXPECT_EQ(pooled[0].count, 2);
  EXPECT_DOUBLE_EQ(pooled[0].mean_confidence, 0.4);
  EXPECT_DOUBLE_EQ(pooled[0].accuracy, 0.5);
  EXPECT_EQ(pooled[1].count, 8);
  EXPECT_DOUBLE_EQ(pooled[1].mean_confidence, (6 * 0.9 + 2 * 0.7) / 8);
  EXPECT_DOUBLE_EQ(pooled[1].accuracy, (6 * 1.0 + 2 * 0.5) / 8);
  EXPECT_DOUBLE_EQ(pooled[1].lower, 0.5);
  EXPECT_DOUBLE_EQ(pooled[1].upper, 1.0);
  EXPECT_TRUE(report::pool_reliability_bins({}).empty());
}

TEST(PoolReliabilityBins, EmptyBinsStayZero) {
  const std::vector<eval::ReliabilityBin> empty = {{0, 1, 0, 0, 0}};
  const auto pooled = report::pool_reliability_bins({empty, empty});
  ASSERT_EQ(pooled.size(), 1U);
  EXPECT_EQ(pooled[0].count, 0);
  EXPECT_EQ(pooled[0].mean_confidence, 0.0);
  EXPECT_EQ(pooled[0].accuracy, 0.0);
}

TEST(PoolReliabilityBins, MismatchedBinsAreACallersBug) {
  const std::vector<eval::ReliabilityBin> two = {{0, 0.5, 1, 0.4, 1}, {0.5, 1, 1, 0.9, 1}};
  const std::vector<eval::ReliabilityBin> one = {{0, 1, 1, 0.4, 1}};
  core::Error error = expect_error([&] { report::pool_reliability_bins({two, one}); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("seed 1 has 1 bins, seed 0 has 2"));
  const std::vector<eval::ReliabilityBin> shifted = {{0, 0.6, 1, 0.4, 1}, {0.6, 1, 1, 0.9, 1}};
  error = expect_error([&] { report::pool_reliability_bins({two, shifted}); });
  EXPECT_THAT(error.what(), HasSubstr("bin 0 of seed 1 has other edges"));
}
