#include "blindspot/augment/adversarial_training.hpp"

#include "discover/attack/lexicon_classifier.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace blindspot::augment {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

data::Split train_split() {
  data::Split split;
  split.name = "train";
  split.labels = data::LabelSet({"negative", "positive"});
  split.examples = {{"a dreadful and boring film overall", 0, 2},
                    {"a wonderful and moving story indeed", 1, 3},
                    {"terrible acting ruined everything here", 0, 4}};
  return split;
}

// p(positive) = sigmoid(-2 + weights): the positive review scores 3 (p = 0.95) and one misspelt
// "wonderful" leaves -1, confidently negative (0.73 >= 0.65); the negative reviews never flip.
test::LexiconClassifier model() {
  return test::LexiconClassifier({{"wonderful", 4}, {"moving", 1}, {"dreadful", -4}, {"boring", -1}, {"terrible", -4}},
                                 -2);
}

TEST(AdversarialTraining, KeepsTheSuccessfulAttacksWithTheirTrueLabels) {
  const auto classifier = model();
  const data::Split train = train_split();
  discover::AttackOptions attack;
  attack.seed = 3;
  attack.threads = 1;
  const auto samples = adversarial_training_samples(classifier, train, 5, attack);
  ASSERT_EQ(samples.size(), 1u);  // every row was tried, only one attack succeeds
  const teach::Sample& s = samples.front();
  EXPECT_EQ(s.id, "adversarial#1");
  EXPECT_EQ(s.label, "positive");
  EXPECT_THAT(s.text, Not(HasSubstr("wonderful")));
  EXPECT_THAT(s.text, HasSubstr("and moving story indeed"));
  EXPECT_EQ(s.teacher, "adversarial training");
  EXPECT_EQ(s.prompt_version, kAdversarialTrainingVersion);
  EXPECT_THAT(s.provenance_json, HasSubstr("\"train_row\":1"));
  EXPECT_THAT(s.provenance_json, HasSubstr("\"wonderful\""));
  // The model now reads the sample as confidently negative: what the loop then teaches it otherwise.
  EXPECT_GE(classifier.probabilities(s.text)[0], 0.65);

  // Same seed, same samples; none asked, none made.
  const auto again = adversarial_training_samples(classifier, train, 5, attack);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again.front().text, s.text);
  EXPECT_TRUE(adversarial_training_samples(classifier, train, 0, attack).empty());
}

TEST(AdversarialTraining, TheTeacherHasNoHypothesesAndGeneratesTheSamples) {
  const auto classifier = model();
  const data::Split train = train_split();
  AdversarialTrainingTeacher teacher(classifier, train, 5, {});
  EXPECT_TRUE(teacher.is_baseline());
  EXPECT_TRUE(teacher.abstract({}).empty());
  EXPECT_EQ(teacher.generate({}, 2).size(), 1u);
}

}  // namespace
}  // namespace blindspot::augment
