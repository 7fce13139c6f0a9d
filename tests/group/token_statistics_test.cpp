#include "blindspot/group/token_statistics.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace blindspot;
using group::TokenCounts;

namespace {

const group::TokenScore& find(const std::vector<group::TokenScore>& scores, const std::string& token) {
  for (const auto& score : scores) {
    if (score.token == token) return score;
  }
  throw std::runtime_error("no score for " + token);
}

TEST(ContentTokens, NormalisedWordsWithoutStopwords) {
  EXPECT_EQ(group::content_tokens("The movie was NOT great!<br />Don't watch it, Ｗａｔｃｈ"),
            (std::vector<std::string>{"movie", "great", "watch", "watch"}));
  EXPECT_TRUE(group::content_tokens("it was the one, wasn't it?").size() == 1);  // "one"
}

TEST(TokenCounts, CountsAndTotals) {
  TokenCounts counts;
  counts.add_text("Awful, awful plot.");
  counts.add("plot", 2);
  TokenCounts other;
  other.add("great");
  counts.merge(other);
  EXPECT_EQ(counts.count("awful"), 2);
  EXPECT_EQ(counts.count("plot"), 3);
  EXPECT_EQ(counts.count("great"), 1);
  EXPECT_EQ(counts.count("missing"), 0);
  EXPECT_EQ(counts.total(), 6);
  EXPECT_EQ(counts.size(), 3u);
}

// Hand-computed: target {awful 3, plot 2, acting 1} (n = 6), reference {great 5, plot 4,
// acting 1} (n = 10), alpha_0 = 16 = the background total, so alpha_w is the background count
// (awful 3, plot 6, acting 2).
TEST(WeightedLogOdds, MatchesHandComputedValues) {
  TokenCounts target;
  target.add("awful", 3);
  target.add("plot", 2);
  target.add("acting", 1);
  TokenCounts reference;
  reference.add("great", 5);
  reference.add("plot", 4);
  reference.add("acting", 1);
  group::LogOddsOptions options;
  options.prior_strength = 16;
  const auto scores = group::weighted_log_odds(target, reference, options);
  ASSERT_EQ(scores.size(), 3u);  // only target tokens are scored

  // awful: log(6/16) - log(3/23) = log(2.875); var = 1/6 + 1/3 = 0.5.
  const auto& awful = find(scores, "awful");
  EXPECT_DOUBLE_EQ(awful.prior, 3.0);
  EXPECT_NEAR(awful.log_odds, std::log(2.875), 1e-12);
  EXPECT_NEAR(awful.variance, 0.5, 1e-12);
  EXPECT_NEAR(awful.z, 1.493484, 1e-6);
  EXPECT_EQ(awful.target_count, 3);
  EXPECT_EQ(awful.reference_count, 0);
  // plot: log(8/14) - log(10/16); var = 1/8 + 1/10.
  const auto& plot = find(scores, "plot");
  EXPECT_NEAR(plot.log_odds, std::log(8.0 / 14.0) - std::log(10.0 / 16.0), 1e-12);
  EXPECT_NEAR(plot.z, -0.188919, 1e-6);
  // acting: log(3/19) - log(3/23); var = 1/3 + 1/3.
  EXPECT_NEAR(find(scores, "acting").z, std::log(23.0 / 19.0) / std::sqrt(2.0 / 3.0), 1e-12);

  EXPECT_EQ(scores[0].token, "awful");
  EXPECT_EQ(scores[1].token, "acting");
  EXPECT_EQ(scores[2].token, "plot");
}

TEST(WeightedLogOdds, PlantedTokenRanksFirstAndIsSignificant) {
  // Five UUs all say "dreadful"; 200 reference texts never do. Shared words balance out.
  TokenCounts uus;
  for (int i = 0; i < 5; ++i) uus.add_text("A dreadful film with a story and actors number " + std::to_string(i));
  TokenCounts reference;
  for (int i = 0; i < 200; ++i) reference.add_text("A lovely film with a story and actors number " + std::to_string(i));
  const auto scores = group::weighted_log_odds(uus, reference);
  ASSERT_FALSE(scores.empty());
  EXPECT_EQ(scores[0].token, "dreadful");
  EXPECT_GT(scores[0].z, 1.96);
  EXPECT_LT(std::abs(find(scores, "film").z), 1.0);
  for (const auto& score : scores) EXPECT_NE(score.token, "lovely");
}

TEST(WeightedLogOdds, TiesBreakByTokenAndMinCountFilters) {
  TokenCounts target;
  target.add("zebra", 2);
  target.add("apple", 2);
  target.add("mango", 1);
  TokenCounts reference;
  reference.add("other", 10);
  group::LogOddsOptions options;
  options.min_count = 2;
  const auto scores = group::weighted_log_odds(target, reference, options);
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores[0].token, "apple");
  EXPECT_EQ(scores[1].token, "zebra");
  EXPECT_DOUBLE_EQ(scores[0].z, scores[1].z);
}

TEST(WeightedLogOdds, NonPositivePriorIsAUsageError) {
  group::LogOddsOptions options;
  options.prior_strength = 0;
  const auto error = test::expect_error([&] { group::weighted_log_odds(TokenCounts{}, TokenCounts{}, options); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("prior_strength (alpha_0) must be > 0"));
}

}  // namespace
