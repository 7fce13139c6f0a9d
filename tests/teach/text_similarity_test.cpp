#include "blindspot/teach/text_similarity.hpp"

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace blindspot;
using teach::SimilarityOptions;

namespace {

// `count` distinct words ("alpha0", "alpha1", ...) from `first`, as one text.
std::string numbered_words(const std::string& stem, int first, int count) {
  std::string text;
  for (int i = first; i < first + count; ++i) text += (text.empty() ? "" : " ") + stem + std::to_string(i);
  return text;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text + " ") {
    if (c == ' ') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  return words;
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

TEST(WordShingles, IgnoreCasePunctuationAndLineBreaks) {
  const SimilarityOptions options;
  const auto plain = teach::word_shingles("the cat sat on the mat", options);
  EXPECT_EQ(plain.size(), 4u);  // the-cat-sat, cat-sat-on, sat-on-the, on-the-mat
  EXPECT_EQ(teach::word_shingles("The CAT, sat on<br />the mat!", options), plain);
  EXPECT_NE(teach::word_shingles("the cat sat on a mat", options), plain);
}

TEST(WordShingles, ShortTextIsOneShingleAndNoWordsIsEmpty) {
  const SimilarityOptions options;
  EXPECT_EQ(teach::word_shingles("Great film", options).size(), 1u);
  EXPECT_NE(teach::word_shingles("Great film", options), teach::word_shingles("film Great", options));
  EXPECT_TRUE(teach::word_shingles(" !? <br /> ", options).empty());
}

TEST(WordShingles, RepeatedShinglesCountOnce) {
  EXPECT_EQ(teach::word_shingles("a b c a b c a b c", SimilarityOptions{}).size(), 3u);  // abc, bca, cab
}

TEST(Jaccard, ExactOnSortedSets) {
  EXPECT_DOUBLE_EQ(teach::jaccard({1, 2, 3, 4}, {3, 4, 5, 6}), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(teach::jaccard({1, 2}, {1, 2}), 1.0);
  EXPECT_DOUBLE_EQ(teach::jaccard({1, 2}, {3}), 0.0);
  EXPECT_DOUBLE_EQ(teach::jaccard({}, {}), 1.0);
}

TEST(NormalisedTextHash, EqualAfterNormalisation) {
  EXPECT_EQ(teach::normalised_text_hash("Great  film!<br /><br />Loved it"),
            teach::normalised_text_hash("great film ! loved it"));
  EXPECT_NE(teach::normalised_text_hash("great film"), teach::normalised_text_hash("great films"));
}

TEST(MinHash, EstimateTracksExactJaccardWithinSamplingError) {
  // 200-word texts; the variant replaces every `step`-th word, so the exact Jaccard of the
  // 3-word shingles ranges from about 0.05 to 0.94.
  const SimilarityOptions options;
  const teach::MinHasher hasher(options);
  const std::string base = numbered_words("alpha", 0, 200);
  double total_error = 0;
  int pairs = 0;
  for (const int step : {2, 3, 5, 8, 13, 21, 34, 55}) {
    auto words = split_words(base);
    for (std::size_t i = 0; i < words.size(); i += static_cast<std::size_t>(step))
      words[i] = "beta" + std::to_string(i);
    const auto a = teach::word_shingles(base, options);
    const auto b = teach::word_shingles(join(words), options);
    const double exact = teach::jaccard(a, b);
    const double estimate = teach::estimated_jaccard(hasher.signature(a), hasher.signature(b));
    // Three standard errors of a 128-hash estimate (sqrt(J(1-J)/128) <= 0.044).
    EXPECT_NEAR(estimate, exact, 0.133) << "step " << step;
    total_error += std::abs(estimate - exact);
    ++pairs;
  }
  EXPECT_LT(total_error / pairs, 0.05);
}

TEST(MinHash, IdenticalSetsAgreeEverywhereAndSeedsChangeSignatures) {
  const auto shingles = teach::word_shingles(numbered_words("gamma", 0, 50), SimilarityOptions{});
  const teach::MinHasher hasher;
  EXPECT_DOUBLE_EQ(teach::estimated_jaccard(hasher.signature(shingles), hasher.signature(shingles)), 1.0);
  SimilarityOptions other;
  other.seed = 7;
  EXPECT_NE(teach::MinHasher(other).signature(shingles), hasher.signature(shingles));
  EXPECT_EQ(hasher.size(), 128u);
}

TEST(LshBanding, DefaultsCatchPairsAtThresholdAndRarelyUnrelatedOnes) {
  const auto banding = teach::choose_banding(128, 0.8);
  EXPECT_EQ(banding.bands, 25u);
  EXPECT_EQ(banding.rows, 5u);
  EXPECT_GE(teach::candidate_probability(banding, 0.8), 0.999);
  EXPECT_LT(teach::candidate_probability(banding, 0.8 - 0.001), teach::candidate_probability(banding, 0.8));
  EXPECT_LT(teach::candidate_probability(banding, 0.2), 0.01);
  // A lower threshold needs shorter bands.
  EXPECT_LT(teach::choose_banding(128, 0.5).rows, 5u);
  EXPECT_GE(teach::candidate_probability(teach::choose_banding(128, 0.5), 0.5), 0.999);
}

TEST(LshBanding, ThresholdOutOfRangeIsAUsageError) {
  const auto error = test::expect_error([] { teach::choose_banding(128, 0.0); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), ::testing::HasSubstr("(0, 1]"));
}

class NearDuplicateIndexTest : public ::testing::Test {
 protected:
  teach::TextFingerprint print(const std::string& text) const { return teach::fingerprint(text, hasher_, options_); }

  SimilarityOptions options_;
  teach::MinHasher hasher_{options_};
};

TEST_F(NearDuplicateIndexTest, FindsExactThenNearDuplicatesAndNothingElse) {
  teach::NearDuplicateIndex index(hasher_.size(), 0.8);
  const std::string review = numbered_words("delta", 0, 200);
  index.add(10, print(numbered_words("epsilon", 0, 200)));
  index.add(11, print(review));
  index.add(12, print(review + "!"));  // same normalised words, different text: a later near copy
  EXPECT_EQ(index.size(), 3u);

  const auto exact = index.find(print("  " + review + "  "));
  ASSERT_TRUE(exact.has_value());
  EXPECT_TRUE(exact->exact);
  EXPECT_EQ(exact->id, 11u);

  // One word changed: exact Jaccard 195/201 = 0.97.
  auto words = split_words(review);
  words[100] = "changed";
  const auto near = index.find(print(join(words)));
  ASSERT_TRUE(near.has_value());
  EXPECT_FALSE(near->exact);
  EXPECT_EQ(near->id, 11u);  // 11 and 12 have the same shingles: the smaller id wins the tie
  EXPECT_GE(near->jaccard, 0.8);

  EXPECT_FALSE(index.find(print(numbered_words("zeta", 0, 200))).has_value());
}

TEST_F(NearDuplicateIndexTest, BelowThresholdIsNoMatch) {
  teach::NearDuplicateIndex index(hasher_.size(), 0.8);
  const std::string review = numbered_words("eta", 0, 100);
  index.add(0, print(review));
  // Half the words replaced: exact Jaccard of the shingles is 0.
  auto words = split_words(review);
  for (std::size_t i = 0; i < words.size(); i += 2) words[i] = "theta" + std::to_string(i);
  EXPECT_FALSE(index.find(print(join(words))).has_value());
}

TEST_F(NearDuplicateIndexTest, TextWithoutWordsMatchesOnlyExactly) {
  teach::NearDuplicateIndex index(hasher_.size(), 0.8);
  index.add(3, print("!!!"));
  EXPECT_EQ(index.size(), 0u);
  const auto match = index.find(print("!!!"));
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->id, 3u);
  EXPECT_FALSE(index.find(print("?")).has_value());
}

}  // namespace
