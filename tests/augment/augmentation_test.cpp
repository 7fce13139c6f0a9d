#include "blindspot/augment/augmentation.hpp"

#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/discover/attack/words.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

namespace blindspot::augment {
namespace {

using ::testing::HasSubstr;

const data::LabelSet kLabels({"negative", "positive"});

teach::Sample sample(const std::string& hypothesis, const std::string& text, const std::string& label,
                     bool accepted = true) {
  teach::Sample s;
  s.id = hypothesis + "#" + text;
  s.hypothesis_id = hypothesis;
  s.text = text;
  s.label = label;
  s.accepted = accepted;
  return s;
}

data::Split train_split() {
  data::Split split;
  split.name = "train";
  split.labels = kLabels;
  split.examples = {{"a dreadful and boring film overall", 0, 2},
                    {"a wonderful and moving story indeed", 1, 3},
                    {"terrible acting ruined everything here", 0, 4}};
  return split;
}

TEST(PickSamples, SpreadsTheBudgetOverHypothesesAndSkipsRejectedOrUnknownLabels) {
  const std::vector<teach::Sample> samples = {
      sample("h1", "a1", "positive"), sample("h1", "a2", "negative"), sample("h1", "a3", "positive"),
      sample("h2", "b1", "negative"), sample("h2", "b2", "negative", false), sample("h3", "c1", "neutral"),
      sample("h4", "d1", "positive")};
  auto picked = pick_samples(samples, kLabels, 4);
  std::vector<std::string> texts;
  for (const auto& s : picked) texts.push_back(s.text);
  // Round 1: h1, h2, h4 (h3's only sample has an unknown label); round 2: h1 again.
  EXPECT_THAT(texts, ::testing::ElementsAre("a1", "b1", "d1", "a2"));
  EXPECT_EQ(pick_samples(samples, kLabels, 0).size(), 5u);   // all usable ones
  EXPECT_EQ(pick_samples(samples, kLabels, 100).size(), 5u);  // a budget larger than what exists
}

TEST(AugmentedSplit, AppendsSamplesWithResolvedLabelsAndWritesAReadableCsv) {
  const auto train = train_split();
  const auto augmented = augmented_split(train, {sample("h", "not bad, \"really\" good", "positive")});
  ASSERT_EQ(augmented.examples.size(), 4u);
  EXPECT_EQ(augmented.examples[3].text, "not bad, \"really\" good");
  EXPECT_EQ(augmented.examples[3].label, 1);
  EXPECT_EQ(augmented.name, "train+augmented");

  test::TempDir dir;
  write_split_csv(dir / "train.csv", augmented);
  const auto read = data::read_split(dir / "train.csv", kLabels);
  ASSERT_EQ(read.examples.size(), 4u);
  EXPECT_EQ(read.examples[3].text, "not bad, \"really\" good");
  EXPECT_EQ(read.examples[0].text, train.examples[0].text);

  const auto error = test::expect_error([&] { augmented_split(train, {sample("h", "meh", "neutral")}); });
  EXPECT_THAT(error.what(), HasSubstr("label \"neutral\", which the training split does not have"));
}

TEST(UntargetedSamples, JoinHalvesOfTwoTrainingTextsOfOneLabelReproducibly) {
  data::Split train = train_split();
  train.examples.push_back({"an awful script with no redeeming features", 0, 5});
  const auto samples = untargeted_samples(train, 6, 42, 2);
  ASSERT_EQ(samples.size(), 6u);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i].id, "untargeted#" + std::to_string(i + 1));
    EXPECT_EQ(samples[i].teacher, "untargeted");
    // "train lines A and B (halves), ...": both sources carry the sample's label.
    int first_line = 0;
    int second_line = 0;
    ASSERT_EQ(std::sscanf(samples[i].reasoning.c_str(), "train lines %d and %d", &first_line, &second_line), 2)
        << samples[i].reasoning;
    const auto label_of_line = [&](int line) {
      for (const auto& example : train.examples) {
        if (example.line == line) return kLabels.name(static_cast<std::size_t>(example.label));
      }
      return std::string("?");
    };
    EXPECT_EQ(label_of_line(first_line), samples[i].label);
    EXPECT_EQ(label_of_line(second_line), samples[i].label);
    for (const auto& example : train.examples) EXPECT_NE(samples[i].text, example.text);
  }
  const auto again = untargeted_samples(train, 6, 42, 2);
  for (std::size_t i = 0; i < samples.size(); ++i) EXPECT_EQ(again[i].text, samples[i].text);
  const auto other = untargeted_samples(train, 6, 43, 2);
  bool differs = false;
  for (std::size_t i = 0; i < samples.size(); ++i) differs = differs || other[i].text != samples[i].text;
  EXPECT_TRUE(differs);
  EXPECT_TRUE(untargeted_samples(train, 0, 1).empty());
}

}  // namespace
}  // namespace blindspot::augment
