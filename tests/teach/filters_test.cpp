#include "blindspot/teach/filters.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/teach/import_teacher.hpp"
#include "blindspot/teach/teach_session.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace blindspot;
using teach::Sample;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

namespace {

const data::LabelSet kLabels({"negative", "positive"});

// `count` words unique to `stem`: "r7w0 r7w1 ...".
std::string words(const std::string& stem, int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += (text.empty() ? "" : " ") + stem + "w" + std::to_string(i);
  return text;
}

// `text` with its `index`-th word (space-separated) replaced.
std::string replace_word(const std::string& text, int index, const std::string& replacement) {
  std::string result;
  int word = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    result += (result.empty() ? "" : " ") + (word == index ? replacement : text.substr(start, end - start));
    ++word;
    start = end + 1;
  }
  return result;
}

// Train: 100 texts of 20..119 words (5th percentile 24.95, 95th 114.05: accepted 7-228
// words); text i is at line i + 2.
data::Split make_train() {
  data::Split split;
  split.name = "train";
  split.file = "train.csv";
  split.labels = kLabels;
  for (int i = 0; i < 100; ++i) split.examples.push_back({words("r" + std::to_string(i), 20 + i), i % 2, i + 2});
  return split;
}

data::Split make_test() {
  data::Split split;
  split.name = "test";
  split.file = "test.csv";
  split.labels = kLabels;
  for (int i = 0; i < 10; ++i) split.examples.push_back({words("t" + std::to_string(i), 60), i % 2, i + 2});
  return split;
}

Sample sample(const std::string& id, const std::string& text, const std::string& label = "positive") {
  Sample result;
  result.id = id;
  result.text = text;
  result.label = label;
  return result;
}

class SampleFilterTest : public ::testing::Test {
 protected:
  teach::FilterOptions options() const {
    teach::FilterOptions result;
    result.threads = 1;
    return result;
  }

  data::Split train_ = make_train();
  data::Split test_ = make_test();
  teach::SampleFilter filter_{kLabels, train_, &test_, options()};
};

TEST(Percentile, LinearInterpolationBetweenRanks) {
  EXPECT_DOUBLE_EQ(teach::percentile({4, 1, 3, 2}, 50), 2.5);
  EXPECT_DOUBLE_EQ(teach::percentile({4, 1, 3, 2}, 0), 1);
  EXPECT_DOUBLE_EQ(teach::percentile({4, 1, 3, 2}, 100), 4);
  std::vector<std::size_t> hundred;
  for (std::size_t i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_DOUBLE_EQ(teach::percentile(hundred, 5), 5.95);  // rank 4.95 between 5 and 6
  EXPECT_DOUBLE_EQ(teach::percentile({7}, 95), 7);
}

TEST_F(SampleFilterTest, LengthRangeIsAQuarterOfThe5thToTwiceThe95thPercentile) {
  const auto& range = filter_.length_range();
  EXPECT_DOUBLE_EQ(range.low_percentile_words, 24.95);
  EXPECT_DOUBLE_EQ(range.high_percentile_words, 114.05);
  EXPECT_EQ(range.min_words, 7u);    // ceil(6.2375)
  EXPECT_EQ(range.max_words, 228u);  // floor(228.1)
}

TEST_F(SampleFilterTest, LengthFactorsAreOptions) {
  teach::FilterOptions half = options();
  half.length_low_factor = 0.5;
  half.length_high_factor = 1.5;
  const teach::SampleFilter filter(kLabels, train_, nullptr, half);
  EXPECT_EQ(filter.length_range().min_words, 13u);   // ceil(12.475)
  EXPECT_EQ(filter.length_range().max_words, 171u);  // floor(171.075)
}

TEST_F(SampleFilterTest, LengthOutliersOnBothSidesAndTheBoundsAreAccepted) {
  std::vector<Sample> samples = {sample("s6", words("a", 6)), sample("s7", words("b", 7)),
                                 sample("s228", words("c", 228)), sample("s229", words("d", 229))};
  filter_.apply(samples);
  EXPECT_FALSE(samples[0].accepted);
  EXPECT_EQ(samples[0].rejection, teach::kLengthOutlier);
  EXPECT_EQ(samples[0].rejection_detail, "6 words; train's 5th-95th percentile is 25-114 words, accepted 7-228");
  EXPECT_TRUE(samples[1].accepted) << samples[1].rejection_detail;
  EXPECT_TRUE(samples[2].accepted) << samples[2].rejection_detail;
  EXPECT_EQ(samples[3].rejection, teach::kLengthOutlier);
}

TEST_F(SampleFilterTest, LengthRuleNeverGoesBelowMinWords) {
  // Train of 1-3 word texts: half the 5th percentile is below 1, so min_words (3) rules.
  data::Split tiny = make_train();
  for (std::size_t i = 0; i < tiny.examples.size(); ++i)
    tiny.examples[i].text = words("x" + std::to_string(i), 1 + static_cast<int>(i % 3));
  const teach::SampleFilter filter(kLabels, tiny, nullptr, options());
  EXPECT_EQ(filter.length_range().min_words, 3u);
  EXPECT_EQ(filter.length_range().max_words, 6u);
  std::vector<Sample> samples = {sample("a", "only two"), sample("b", "now three words"), sample("c", words("y", 7))};
  filter.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kTooShort);
  EXPECT_EQ(samples[0].rejection_detail, "2 words; at least 3 required");
  EXPECT_TRUE(samples[1].accepted);
  EXPECT_EQ(samples[2].rejection, teach::kLengthOutlier);
}

TEST_F(SampleFilterTest, FormatChecksComeFirst) {
  std::vector<Sample> samples = {sample("utf8", "bad \xff byte " + words("u", 20)),
                                 sample("empty", "  <br /><br /> !!  "), sample("typo", words("v", 20), "postive"),
                                 sample("missing", words("w", 20), ""), sample("short", "too short")};
  filter_.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kInvalidUtf8);
  EXPECT_EQ(samples[0].rejection_detail, "invalid UTF-8 at byte 4");
  EXPECT_EQ(samples[1].rejection, teach::kEmptyText);
  EXPECT_EQ(samples[2].rejection, teach::kInvalidLabel);
  EXPECT_EQ(samples[2].rejection_detail,
            "label \"postive\" is not one of: negative, positive (did you mean \"positive\"?)");
  EXPECT_EQ(samples[3].rejection, teach::kInvalidLabel);
  EXPECT_EQ(samples[3].rejection_detail, "no label (labels: negative, positive)");
  EXPECT_EQ(samples[4].rejection, teach::kTooShort);
  for (const auto& s : samples) EXPECT_FALSE(s.accepted) << s.id;
}

TEST_F(SampleFilterTest, DuplicatesAndNearDuplicatesOfTrainNameTheLine) {
  const std::string row7 = train_.examples[7].text;    // 27 words, line 9
  const std::string row50 = train_.examples[50].text;  // 70 words, line 52
  std::vector<Sample> samples = {
      sample("copy", "  " + row7 + "!<br />"),                   // same normalised words plus "!"
      sample("upper", "R7W0 " + row7.substr(5)),                 // case only
      sample("reworded", replace_word(row50, 35, "different")),  // exact Jaccard 65/71 = 0.92
      sample("new", words("fresh", 40))};
  filter_.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kNearDuplicateOfTrain);  // "!" changes the normalised text
  EXPECT_EQ(samples[0].rejection_detail, "near-duplicate (Jaccard 1.00) of train line 9");
  EXPECT_EQ(samples[1].rejection, teach::kDuplicateOfTrain);
  EXPECT_EQ(samples[1].rejection_detail, "duplicate (after normalisation) of train line 9");
  EXPECT_EQ(samples[2].rejection, teach::kNearDuplicateOfTrain);
  EXPECT_THAT(samples[2].rejection_detail, MatchesRegex("near-duplicate \\(Jaccard 0\\.[89][0-9]\\) of train line 52"));
  EXPECT_TRUE(samples[3].accepted);
  EXPECT_TRUE(samples[3].rejection.empty());
}

TEST_F(SampleFilterTest, TestLeaksAreCaughtAndOutrankTrainDuplicates) {
  const std::string test3 = test_.examples[3].text;  // line 5
  data::Split train = make_train();
  train.examples.push_back({test_.examples[4].text, 0, 200});  // a text in both splits
  const teach::SampleFilter filter(kLabels, train, &test_, options());
  std::vector<Sample> samples = {sample("exact", test3), sample("near", replace_word(test3, 30, "other")),
                                 sample("both", test_.examples[4].text)};
  filter.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kLeaksTest);
  EXPECT_EQ(samples[0].rejection_detail, "duplicate (after normalisation) of test line 5");
  EXPECT_EQ(samples[1].rejection, teach::kLeaksTest);
  EXPECT_THAT(samples[1].rejection_detail, MatchesRegex("near-duplicate \\(Jaccard 0\\.[89][0-9]\\) of test line 5"));
  EXPECT_EQ(samples[2].rejection, teach::kLeaksTest);
}

TEST_F(SampleFilterTest, WithoutATestSplitThereIsNoLeakCheck) {
  const teach::SampleFilter filter(kLabels, train_, nullptr, options());
  std::vector<Sample> samples = {sample("exact", test_.examples[3].text)};
  filter.apply(samples);
  EXPECT_TRUE(samples[0].accepted);
}

TEST_F(SampleFilterTest, FirstOfABatchWinsAndRejectedSamplesDoNotShadow) {
  const std::string text = words("batch", 100);
  std::vector<Sample> samples = {sample("bad-label", text, "neutral"),  // rejected: does not shadow "first"
                                 sample("first", text),                 // kept
                                 sample("again", text + " "),           // exact duplicate of "first"
                                 sample("reworded", replace_word(text, 10, "new")),  // near duplicate of "first"
                                 sample("other", words("other", 50))};
  samples.insert(samples.begin(), sample("disputed", text));
  samples[0].accepted = false;
  samples[0].rejection = teach::kLabelDisputed;
  samples[0].rejection_detail = "verifier says negative";
  filter_.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kLabelDisputed);  // kept as it was
  EXPECT_EQ(samples[0].rejection_detail, "verifier says negative");
  EXPECT_EQ(samples[1].rejection, teach::kInvalidLabel);
  EXPECT_TRUE(samples[2].accepted) << samples[2].rejection_detail;
  EXPECT_EQ(samples[3].rejection, teach::kDuplicateInBatch);
  EXPECT_EQ(samples[3].rejection_detail, "duplicate (after normalisation) of sample \"first\" (position 2)");
  EXPECT_EQ(samples[4].rejection, teach::kNearDuplicateInBatch);
  EXPECT_THAT(samples[4].rejection_detail,
              MatchesRegex("near-duplicate \\(Jaccard 0\\.[89][0-9]\\) of sample \"first\" \\(position 2\\)"));
  EXPECT_TRUE(samples[5].accepted);

  // A second pass judges the survivors the same way.
  const auto before = samples;
  filter_.apply(samples);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i].accepted, before[i].accepted) << i;
    EXPECT_EQ(samples[i].rejection, before[i].rejection) << i;
  }
}

TEST_F(SampleFilterTest, VerdictsDoNotDependOnThreads) {
  std::vector<Sample> samples;
  for (int i = 0; i < 40; ++i) {
    // Every 4th a train text; the others come in 7 families of 60- and 61-word texts.
    const std::string text =
        i % 4 == 0 ? train_.examples[static_cast<std::size_t>(i)].text : words("m" + std::to_string(i % 7), 60 + i % 2);
    samples.push_back(sample("s" + std::to_string(i), text, i % 5 == 0 ? "bogus" : "negative"));
  }
  auto serial = samples;
  filter_.apply(serial);
  teach::FilterOptions parallel_options = options();
  parallel_options.threads = 4;
  const teach::SampleFilter parallel(kLabels, train_, &test_, parallel_options);
  parallel.apply(samples);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i].rejection, serial[i].rejection) << i;
    EXPECT_EQ(samples[i].rejection_detail, serial[i].rejection_detail) << i;
  }
  EXPECT_FALSE(serial[0].accepted);
  EXPECT_EQ(serial[8].rejection, teach::kDuplicateOfTrain);
  EXPECT_EQ(serial[1].rejection, "");
  EXPECT_EQ(serial[29].rejection, teach::kDuplicateInBatch);      // the family of 1, same length
  EXPECT_EQ(serial[22].rejection, teach::kNearDuplicateInBatch);  // the family of 1, one word shorter
}

TEST(RejectionCounts, EveryKnownReasonInOrderThenUnknownOnes) {
  std::vector<Sample> samples(6);
  samples[0].accepted = false;
  samples[0].rejection = teach::kLeaksTest;
  samples[1].accepted = false;
  samples[1].rejection = teach::kLeaksTest;
  samples[2].accepted = false;
  samples[2].rejection = teach::kLabelDisputed;
  samples[3].accepted = false;
  samples[3].rejection = "zz_custom";
  samples[4].accepted = false;
  samples[4].rejection = "aa_custom";
  const auto counts = teach::rejection_counts(samples);
  ASSERT_EQ(counts.size(), teach::rejection_reasons().size() + 2);
  EXPECT_EQ(counts[0], (std::pair<std::string, std::size_t>{"invalid_utf8", 0}));
  EXPECT_EQ(counts[5], (std::pair<std::string, std::size_t>{"leaks_test", 2}));
  EXPECT_EQ(counts[6], (std::pair<std::string, std::size_t>{"dev_leak", 0}));
  EXPECT_EQ(counts[11], (std::pair<std::string, std::size_t>{"label_disputed", 1}));
  EXPECT_EQ(counts[12], (std::pair<std::string, std::size_t>{"aa_custom", 1}));
  EXPECT_EQ(counts[13], (std::pair<std::string, std::size_t>{"zz_custom", 1}));
}

TEST(SampleFilterErrors, EmptyTrainAndBadOptions) {
  data::Split empty;
  empty.name = "train";
  empty.file = "train.csv";
  empty.labels = kLabels;
  const auto no_train = test::expect_error([&] { teach::SampleFilter(kLabels, empty, nullptr); });
  EXPECT_EQ(no_train.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(no_train.what(), HasSubstr("train.csv: the train split has no examples"));

  teach::FilterOptions options;
  options.near_duplicate_threshold = 1.5;
  const auto threshold = test::expect_error([&] { teach::SampleFilter(kLabels, make_train(), nullptr, options); });
  EXPECT_EQ(threshold.kind(), core::ErrorKind::usage);
  EXPECT_THAT(threshold.what(), HasSubstr("near-duplicate threshold must be in (0, 1], got 1.5"));

  options = {};
  options.low_percentile = 96;
  const auto percentiles = test::expect_error([&] { teach::SampleFilter(kLabels, make_train(), nullptr, options); });
  EXPECT_THAT(percentiles.what(), HasSubstr("got 96 and 95"));
}

// The real task: imdb's train distribution, and a test review leaking with one word changed.
TEST(SampleFilterImdb, LengthRangeAndLeakOnTheRealSplits) {
  const auto train = data::read_training_split(test::shared_data("imdb") / "train.csv", std::nullopt);
  const auto test_split = data::read_split(test::shared_data("imdb") / "test.csv", train.labels);
  const teach::SampleFilter filter(train.labels, train, &test_split);
  const auto& range = filter.length_range();
  EXPECT_NEAR(range.low_percentile_words, 67, 1.5);
  EXPECT_NEAR(range.high_percentile_words, 617, 5);
  // A quarter of the 5th percentile: 17 words.
  EXPECT_EQ(range.min_words, 17u);

  const auto& leaked = test_split.examples[123];
  std::vector<Sample> samples = {sample("leak", replace_word(leaked.text, 40, "zzzz"), "negative"),
                                 sample("copy", train.examples[9].text, "negative"),
                                 sample("short", words("q", 41), "negative")};
  filter.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kLeaksTest);
  EXPECT_THAT(samples[0].rejection_detail, HasSubstr("of test line " + std::to_string(leaked.line)));
  EXPECT_EQ(samples[1].rejection, teach::kDuplicateOfTrain);
  EXPECT_EQ(samples[1].rejection_detail,
            "duplicate (after normalisation) of train line " + std::to_string(train.examples[9].line));
  EXPECT_TRUE(samples[2].accepted) << samples[2].rejection_detail;
}

}  // namespace

namespace {

// Dev UUs held out of teaching: a sample that contains one of their texts is a dev leak.
discover::Uu held_out_uu(const std::string& id, const std::string& text, const std::string& original = "") {
  discover::Uu uu;
  uu.id = id;
  uu.kind = original.empty() ? discover::UuKind::natural : discover::UuKind::adversarial;
  uu.text = text;
  uu.original_text = original;
  uu.true_label = "negative";
  uu.predicted_label = "positive";
  return uu;
}

}  // namespace

TEST_F(SampleFilterTest, SamplesContainingAHeldOutUusSentenceAreDevLeaks) {
  teach::SampleFilter filter(kLabels, train_, &test_, options());
  filter.hold_out(
      {held_out_uu("dev:4:natural", "The plot wanders. Sadly the zorbly cast never finds its footing here! Short one."),
       held_out_uu("dev:9:deepwordbug", "A trrible filmm, made with no care for anyone watching it.",
                   "A terrible film, made with no care for anyone watching it."),
       held_out_uu("dev:11:natural", "tiny flop here")});
  const std::string filler = words("f", 20);
  std::vector<Sample> samples = {
      // The 9-word sentence, in another case and spacing, amid new words.
      sample("sentence", filler + " sadly THE zorbly cast   never finds its footing here " + filler),
      // "The plot wanders." and "Short one." are under 6 words: common phrases, not leaks.
      sample("short-sentences", filler + " The plot wanders. Short one. " + filler),
      // The adversarial UU's original text, and its perturbed text.
      sample("original", filler + " A terrible film, made with no care for anyone watching it. " + filler),
      sample("perturbed", filler + " a trrible filmm made with no care for anyone watching it " + filler),
      // A whole short text counts from 3 words.
      sample("whole", filler + " tiny flop here " + filler),
      // Eight of its nine words: not the sentence.
      sample("partial", filler + " the zorbly cast never finds its footing here " + filler)};
  filter.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kDevLeak);
  EXPECT_EQ(samples[0].rejection_detail,
            "contains \"Sadly the zorbly cast never finds its footing here!\" of held-out dev UU dev:4:natural");
  EXPECT_TRUE(samples[1].accepted) << samples[1].rejection_detail;
  EXPECT_EQ(samples[2].rejection, teach::kDevLeak);
  EXPECT_EQ(samples[2].rejection_detail,
            "contains \"A terrible film, made with no care for anyone watching it.\" of held-out dev UU "
            "dev:9:deepwordbug (its original text)");
  EXPECT_EQ(samples[3].rejection, teach::kDevLeak);
  EXPECT_THAT(samples[3].rejection_detail, HasSubstr("of held-out dev UU dev:9:deepwordbug"));
  EXPECT_EQ(samples[4].rejection, teach::kDevLeak);
  EXPECT_EQ(samples[4].rejection_detail, "contains \"tiny flop here\" of held-out dev UU dev:11:natural");
  EXPECT_TRUE(samples[5].accepted) << samples[5].rejection_detail;

  // Without held-out UUs (or after an empty list) nothing is a dev leak.
  filter.hold_out({});
  std::vector<Sample> again = {sample("sentence", filler + " sadly the zorbly cast never finds its footing here")};
  filter.apply(again);
  EXPECT_TRUE(again[0].accepted) << again[0].rejection_detail;
}

TEST_F(SampleFilterTest, NearDuplicatesOfAHeldOutTextAreDevLeaksAndTestLeaksOutrankThem) {
  const std::string dev_text = words("d", 60);
  teach::SampleFilter filter(kLabels, train_, &test_, options());
  filter.hold_out({held_out_uu("dev:2:natural", dev_text), held_out_uu("dev:3:natural", test_.examples[1].text)});
  std::vector<Sample> samples = {sample("reworded", replace_word(dev_text, 30, "other")),
                                 sample("test", test_.examples[1].text)};
  filter.apply(samples);
  EXPECT_EQ(samples[0].rejection, teach::kDevLeak);
  EXPECT_THAT(samples[0].rejection_detail,
              MatchesRegex("near-duplicate \\(Jaccard 0\\.[89][0-9]\\) of held-out dev UU dev:2:natural"));
  EXPECT_EQ(samples[1].rejection, teach::kLeaksTest);
}

// tests/fixtures/llm_written/imdb_reviews.csv: 100 movie reviews written as an LLM teacher writes
// labelled samples (README.md there), 25-84 words, mean 40.8. Under imdb's old low factor (0.5:
// 34 words) 49 were length outliers; the default (0.25: 17 words) accepts all of them.
TEST(SampleFilterImdb, LlmWrittenReviewsPassTheDefaultLengthRule) {
  const auto train = data::read_training_split(test::shared_data("imdb") / "train.csv", std::nullopt);
  const auto reviews = data::read_split(test::fixture("llm_written/imdb_reviews.csv"), train.labels);
  ASSERT_EQ(reviews.examples.size(), 100u);
  const auto outliers = [&](double low_factor) {
    teach::FilterOptions options;
    options.length_low_factor = low_factor;
    const teach::SampleFilter filter(train.labels, train, nullptr, options);
    std::vector<Sample> samples;
    for (const auto& review : reviews.examples) {
      samples.push_back(sample("r" + std::to_string(review.line), review.text, train.labels.name(review.label)));
    }
    filter.apply(samples);
    return std::count_if(samples.begin(), samples.end(),
                         [](const Sample& s) { return s.rejection == teach::kLengthOutlier; });
  };
  EXPECT_EQ(outliers(0.5), 49);
  EXPECT_EQ(outliers(teach::FilterOptions{}.length_low_factor), 0);  // below 5%, as docs/filters.md says
}

// The import teacher's path: the same reviews imported as samples, filtered against imdb's train
// and test, are all accepted.
TEST(SampleFilterImdb, ImportedLlmWrittenReviewsAreAccepted) {
  const auto train = data::read_training_split(test::shared_data("imdb") / "train.csv", std::nullopt);
  const auto test_split = data::read_split(test::shared_data("imdb") / "test.csv", train.labels);
  const teach::SampleFilter filter(train.labels, train, &test_split);
  teach::ImportTeacher teacher("", test::fixture("llm_written/imdb_reviews.csv"));
  teach::TeachOptions options;
  options.max_uus = 0;
  const teach::TeachResult result = teach::teach(teacher, {}, filter, options);
  ASSERT_EQ(result.samples.size(), 100u);
  for (const auto& s : result.samples) EXPECT_TRUE(s.accepted) << s.id << ": " << s.rejection_detail;
}
