#include "blindspot/eval/statistics.hpp"

#include "blindspot/core/random.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

// Reference values below were computed with mpmath at 40 digits (betainc, binomial sums).

TEST(Summary, MeanAndSampleStandardDeviation) {
  EXPECT_DOUBLE_EQ(eval::mean({2, 4, 4, 4, 5, 5, 7, 9}), 5.0);
  // Sum of squared deviations 32 over n - 1 = 7.
  EXPECT_DOUBLE_EQ(eval::sample_standard_deviation({2, 4, 4, 4, 5, 5, 7, 9}), std::sqrt(32.0 / 7.0));
  EXPECT_DOUBLE_EQ(eval::sample_standard_deviation({1, 3}), std::sqrt(2.0));
  EXPECT_EQ(eval::sample_standard_deviation({0.5, 0.5, 0.5}), 0.0);
  auto err = test::expect_error([] { eval::mean({}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("mean of no values"));
  err = test::expect_error([] { eval::sample_standard_deviation({1}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("at least 2 values, got 1"));
}

TEST(StudentT, CdfMatchesReferenceValues) {
  EXPECT_NEAR(eval::student_t_cdf(2.0, 5), 0.94903026058507082, 1e-14);
  EXPECT_NEAR(eval::student_t_cdf(-1.5, 3), 0.11529193262241153, 1e-14);
  EXPECT_NEAR(eval::student_t_cdf(0.7, 2.5), 0.72829752840522597, 1e-14);  // fractional df
  EXPECT_NEAR(eval::student_t_cdf(1.0, 1), 0.75, 1e-15);                   // Cauchy
  EXPECT_NEAR(eval::student_t_cdf(3.0, 200), 0.99847847644304705, 1e-14);
  EXPECT_EQ(eval::student_t_cdf(0.0, 7), 0.5);
  const auto err = test::expect_error([] { eval::student_t_cdf(1, 0); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("degrees of freedom > 0, got 0"));
}

TEST(StudentT, QuantileMatchesTables) {
  EXPECT_NEAR(eval::student_t_quantile(0.975, 1), 12.706204736174705, 1e-10);
  EXPECT_NEAR(eval::student_t_quantile(0.975, 2), 4.3026527297494639, 1e-11);
  EXPECT_NEAR(eval::student_t_quantile(0.975, 4), 2.7764451051977944, 1e-11);
  EXPECT_NEAR(eval::student_t_quantile(0.975, 10), 2.2281388519862747, 1e-11);
  EXPECT_NEAR(eval::student_t_quantile(0.975, 30), 2.0422724563012383, 1e-11);
  EXPECT_NEAR(eval::student_t_quantile(0.995, 3), 5.8409093097333573, 1e-10);
  EXPECT_NEAR(eval::student_t_quantile(0.025, 4), -2.7764451051977944, 1e-11);
  EXPECT_EQ(eval::student_t_quantile(0.5, 4), 0.0);
  const auto err = test::expect_error([] { eval::student_t_quantile(1.0, 4); });
  EXPECT_THAT(err.what(), HasSubstr("probability in (0, 1), got 1"));
  EXPECT_THAT(err.what(), ::testing::EndsWith("got 1"));
}

TEST(SignTest, ExactBinomialPValues) {
  EXPECT_DOUBLE_EQ(eval::sign_test_p_value(1, 9), 0.021484375);  // 2 * 11 / 1024
  EXPECT_DOUBLE_EQ(eval::sign_test_p_value(9, 1), 0.021484375);
  EXPECT_DOUBLE_EQ(eval::sign_test_p_value(0, 5), 0.0625);
  EXPECT_EQ(eval::sign_test_p_value(3, 3), 1.0);
  EXPECT_EQ(eval::sign_test_p_value(2, 3), 1.0);  // 2 * P(X <= 2) = 2 * 0.5, capped
  EXPECT_EQ(eval::sign_test_p_value(0, 0), 1.0);
  EXPECT_NEAR(eval::sign_test_p_value(40, 60), 0.056887933640980792, 1e-15);
  EXPECT_NEAR(eval::sign_test_p_value(450, 550), 0.0017305360849763176, 1e-15);
  EXPECT_EQ(eval::sign_test_p_value(0, 1200), 0.0);  // 1.2e-361 underflows
  const auto err = test::expect_error([] { eval::sign_test_p_value(-1, 2); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
}

TEST(McNemar, CountsDiscordantPairsAndExactP) {
  // 1 = a UU: 1 example is a UU only under the baseline, 9 only under the condition.
  std::vector<int> baseline;
  std::vector<int> condition;
  const auto add = [&](int base, int cond, int times) {
    for (int i = 0; i < times; ++i) {
      baseline.push_back(base);
      condition.push_back(cond);
    }
  };
  add(1, 1, 5);
  add(1, 0, 1);
  add(0, 1, 9);
  add(0, 0, 100);
  const auto test = eval::mcnemar_exact(baseline, condition);
  EXPECT_EQ(test.both, 5);
  EXPECT_EQ(test.baseline_only, 1);
  EXPECT_EQ(test.condition_only, 9);
  EXPECT_EQ(test.neither, 100);
  EXPECT_DOUBLE_EQ(test.p_value, 0.021484375);
  // Concordant pairs carry no information.
  EXPECT_EQ(eval::mcnemar_exact({1, 1, 0}, {1, 1, 0}).p_value, 1.0);
  EXPECT_EQ(eval::mcnemar_exact({}, {}).p_value, 1.0);
  auto err = test::expect_error([] { eval::mcnemar_exact({1, 0}, {1, 2}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::internal);
  EXPECT_THAT(err.what(), HasSubstr("outcome 1 is (0, 2), not 0/1"));
  err = test::expect_error([] { eval::mcnemar_exact({1, 0}, {1}); });
  EXPECT_THAT(err.what(), HasSubstr("2 baseline values but 1 condition values"));
}

TEST(PairedTTest, MatchesReferenceValues) {
  // Accuracy over three seeds: d = (0.03, 0.04, 0.01).
  const auto test = eval::paired_t_test({0.80, 0.82, 0.81}, {0.83, 0.86, 0.82});
  EXPECT_EQ(test.n, 3);
  EXPECT_EQ(test.degrees_of_freedom, 2);
  EXPECT_NEAR(test.mean_difference, 0.026666666666666667, 1e-15);
  EXPECT_NEAR(test.standard_error, 0.0088191710368819686, 1e-15);
  EXPECT_NEAR(test.t, 3.0237157840738178, 1e-12);
  EXPECT_NEAR(test.p_value, 0.094178372684323400, 1e-12);
  // d = (1, 2, 3, -0.5): t = 1.8418803882136270, p = 0.16273310982429371 (3 df).
  const auto four = eval::paired_t_test({0, 0, 0, 0}, {1, 2, 3, -0.5});
  EXPECT_NEAR(four.t, 1.8418803882136270, 1e-12);
  EXPECT_NEAR(four.p_value, 0.16273310982429371, 1e-12);
  // The sign of t follows the direction; the p-value does not.
  const auto reversed = eval::paired_t_test({1, 2, 3, -0.5}, {0, 0, 0, 0});
  EXPECT_NEAR(reversed.t, -four.t, 1e-12);
  EXPECT_NEAR(reversed.p_value, four.p_value, 1e-14);
}

TEST(PairedTTest, ZeroSpreadAndErrors) {
  const auto same = eval::paired_t_test({1, 2, 3}, {1, 2, 3});
  EXPECT_EQ(same.t, 0.0);
  EXPECT_EQ(same.p_value, 1.0);
  const auto shifted = eval::paired_t_test({1, 2, 3}, {0, 1, 2});
  EXPECT_EQ(shifted.t, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(shifted.p_value, 0.0);
  auto err = test::expect_error([] { eval::paired_t_test({1}, {2}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("at least 2 pairs, got 1"));
  err = test::expect_error([] { eval::paired_t_test({1, 2}, {2}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::internal);
}

TEST(PermutationTest, EnumeratesEverySignAssignment) {
  // Three seeds all improving: only all-plus and all-minus reach |sum| = 0.08 -> 2 / 8.
  auto test = eval::paired_permutation_test({0.80, 0.82, 0.81}, {0.83, 0.86, 0.82});
  EXPECT_EQ(test.n, 3);
  EXPECT_EQ(test.assignments, 8);
  EXPECT_DOUBLE_EQ(test.p_value, 0.25);
  EXPECT_NEAR(test.mean_difference, 0.026666666666666667, 1e-15);
  // d = (1, 2, 3, -0.5), |sum| = 5.5: only 1 + 2 + 3 - 0.5 and 1 + 2 + 3 + 0.5 and their negations
  // reach it (1 - 2 + 3 + 0.5 = 2.5 is the next largest) -> 4 / 16.
  test = eval::paired_permutation_test({0, 0, 0, 0}, {1, 2, 3, -0.5});
  EXPECT_DOUBLE_EQ(test.p_value, 0.25);
  // d = (1, 1, 1, 1, 1, -1), |sum| = 4: six terms of +-1 sum to +-4 or +-6 when at most one
  // differs from the others: 2 * (1 + 6) = 14 of 64 assignments.
  test = eval::paired_permutation_test({0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, -1});
  EXPECT_DOUBLE_EQ(test.p_value, 14.0 / 64.0);
  // Ten seeds, all improving by different amounts: 2 / 1024.
  std::vector<double> zeros(10, 0.0);
  std::vector<double> gains;
  for (int i = 1; i <= 10; ++i) gains.push_back(0.01 * i);
  EXPECT_DOUBLE_EQ(eval::paired_permutation_test(zeros, gains).p_value, 2.0 / 1024.0);
  // No difference at all: every assignment is as extreme.
  EXPECT_EQ(eval::paired_permutation_test({1, 2}, {1, 2}).p_value, 1.0);
  const auto err =
      test::expect_error([] { eval::paired_permutation_test(std::vector<double>(21, 0), std::vector<double>(21, 1)); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("1 to 20 pairs, got 21"));
}

TEST(TInterval, MatchesReferenceValues) {
  const auto interval = eval::t_interval({0.80, 0.83, 0.81});
  EXPECT_NEAR(interval.estimate, 0.81333333333333333, 1e-15);
  EXPECT_NEAR(interval.lower, 0.77538750299736572, 1e-11);
  EXPECT_NEAR(interval.upper, 0.85127916366930095, 1e-11);
  EXPECT_EQ(interval.level, 0.95);
  const auto err = test::expect_error([] { eval::t_interval({1, 2}, 1.5); });
  EXPECT_THAT(err.what(), ::testing::EndsWith("level must be in (0, 1), got 1.5"));
}

// The documented algorithm, replayed: resample b draws `n` indices from derive_seed(seed, b);
// the bounds are type-7 quantiles of the sorted statistics.
std::vector<double> replayed_means(const std::vector<double>& values, int resamples, std::uint64_t seed) {
  std::vector<double> means;
  for (int b = 0; b < resamples; ++b) {
    core::Rng rng(core::derive_seed(seed, static_cast<std::uint64_t>(b)));
    double sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i) sum += values[rng.below(values.size())];
    means.push_back(sum / static_cast<double>(values.size()));
  }
  std::sort(means.begin(), means.end());
  return means;
}

std::vector<double> accuracy_outcomes(int correct, int total) {
  std::vector<double> outcomes(static_cast<std::size_t>(total), 0.0);
  // Spread the correct ones so resamples of any region see both outcomes.
  for (int i = 0; i < correct; ++i) outcomes[static_cast<std::size_t>(i * total / correct)] = 1.0;
  return outcomes;
}

TEST(Bootstrap, PercentileBoundsAreTheDocumentedOrderStatistics) {
  const auto values = accuracy_outcomes(150, 200);
  eval::BootstrapOptions options;
  options.resamples = 101;
  options.level = 0.9;
  options.seed = 17;
  // h = 100 * 0.05 = 5 and 100 * 0.95 = 95: exact order statistics.
  const auto interval = eval::bootstrap_mean(values, options);
  const auto replay = replayed_means(values, 101, 17);
  EXPECT_EQ(interval.estimate, 0.75);
  // (1 - 0.9) / 2 is 0.04999... in doubles, so allow the interpolation's rounding.
  EXPECT_NEAR(interval.lower, replay[5], 1e-12);
  EXPECT_NEAR(interval.upper, replay[95], 1e-12);
  EXPECT_EQ(interval.level, 0.9);
  // B = 1000, 95%: h = 999 * 0.025 = 24.975, interpolated.
  options = {};
  options.seed = 3;
  const auto wide = eval::bootstrap_mean(values, options);
  const auto full = replayed_means(values, 1000, 3);
  const double h_low = 999 * 0.025;
  const double h_high = 999 * 0.975;
  EXPECT_NEAR(wide.lower, full[24] + (h_low - 24) * (full[25] - full[24]), 1e-15);
  EXPECT_NEAR(wide.upper, full[974] + (h_high - 974) * (full[975] - full[974]), 1e-15);
  // Close to the normal approximation 0.75 +- 1.96 sqrt(0.75 * 0.25 / 200) = +- 0.060.
  EXPECT_NEAR(wide.lower, 0.75 - 0.060, 0.012);
  EXPECT_NEAR(wide.upper, 0.75 + 0.060, 0.012);
}

TEST(Bootstrap, DeterministicForASeedAndThreadCount) {
  const auto values = accuracy_outcomes(37, 500);
  eval::BootstrapOptions options;
  options.seed = 99;
  options.threads = 1;
  const auto one = eval::bootstrap_sum(values, options);
  options.threads = 2;
  const auto two = eval::bootstrap_sum(values, options);
  options.threads = 7;
  const auto seven = eval::bootstrap_sum(values, options);
  EXPECT_EQ(one.estimate, 37.0);
  EXPECT_EQ(two.lower, one.lower);
  EXPECT_EQ(two.upper, one.upper);
  EXPECT_EQ(seven.lower, one.lower);
  EXPECT_EQ(seven.upper, one.upper);
  EXPECT_LT(one.lower, 37.0);
  EXPECT_GT(one.upper, 37.0);
  options.seed = 100;
  const auto other = eval::bootstrap_sum(values, options);
  EXPECT_TRUE(other.lower != one.lower || other.upper != one.upper);
  // The count interval is n times the rate interval: the same resamples, scaled.
  options.seed = 99;
  const auto rate = eval::bootstrap_mean(values, options);
  EXPECT_NEAR(rate.lower * 500, one.lower, 1e-9);
  EXPECT_NEAR(rate.upper * 500, one.upper, 1e-9);
}

TEST(Bootstrap, PairedDifferenceAndCustomStatistic) {
  // The condition fixes 30 of the baseline's 40 UUs and adds 5: difference -25 / 400.
  std::vector<double> baseline(400, 0.0);
  std::vector<double> condition(400, 0.0);
  for (int i = 0; i < 40; ++i) baseline[static_cast<std::size_t>(i * 10)] = 1;
  for (int i = 0; i < 10; ++i) condition[static_cast<std::size_t>(i * 10)] = 1;
  for (int i = 0; i < 5; ++i) condition[static_cast<std::size_t>(i * 10 + 5)] = 1;
  const auto difference = eval::bootstrap_mean_difference(baseline, condition);
  EXPECT_DOUBLE_EQ(difference.estimate, -25.0 / 400.0);
  EXPECT_LT(difference.upper, 0.0);  // the whole interval shows a reduction
  EXPECT_LT(difference.lower, difference.estimate);
  // Constant data has a zero-width interval.
  const auto constant = eval::bootstrap_mean(std::vector<double>(50, 1.0));
  EXPECT_EQ(constant.lower, 1.0);
  EXPECT_EQ(constant.upper, 1.0);
  // Any statistic of the resampled indices: here the largest value.
  const std::vector<double> values = {1, 2, 3, 4, 100};
  const auto largest = eval::bootstrap_interval(values.size(), [&](const std::vector<std::size_t>& indices) {
    double best = 0;
    for (const std::size_t i : indices) best = std::max(best, values[i]);
    return best;
  });
  EXPECT_EQ(largest.estimate, 100.0);
  EXPECT_EQ(largest.upper, 100.0);
  EXPECT_LT(largest.lower, 100.0);  // (4/5)^5 = 33% of resamples miss the outlier
}

TEST(Bootstrap, RejectsBadOptions) {
  auto err = test::expect_error([] { eval::bootstrap_mean({}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::usage);
  EXPECT_THAT(err.what(), HasSubstr("at least one example"));
  eval::BootstrapOptions options;
  options.resamples = 1;
  err = test::expect_error([&] { eval::bootstrap_mean({1, 2}, options); });
  EXPECT_THAT(err.what(), HasSubstr("at least 2 resamples, got 1"));
  options = {};
  options.level = 0;
  err = test::expect_error([&] { eval::bootstrap_mean({1, 2}, options); });
  EXPECT_THAT(err.what(), HasSubstr("level must be in (0, 1), got 0"));
  err = test::expect_error([] { eval::bootstrap_mean_difference({1, 2}, {1}); });
  EXPECT_EQ(err.kind(), core::ErrorKind::internal);
}

}  // namespace
