#include "blindspot/discover/attack/wordnet.hpp"

#include "printers.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using discover::BaseForm;
using discover::PartOfSpeech;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// Debian's wordnet-base (scripts/setup.sh); loaded once for the whole suite.
const discover::WordNet& wordnet() {
  static const discover::WordNet dictionary = discover::WordNet::load(std::string(discover::kDefaultWordNetDirectory));
  return dictionary;
}

std::vector<std::string> replacements(const std::vector<discover::Candidate>& candidates) {
  std::vector<std::string> words;
  for (const auto& candidate : candidates) words.push_back(candidate.replacement);
  return words;
}

TEST(WordNet, KnowsLemmasPerPartOfSpeech) {
  EXPECT_TRUE(wordnet().contains("good", PartOfSpeech::adjective));
  EXPECT_TRUE(wordnet().contains("good", PartOfSpeech::noun));
  EXPECT_TRUE(wordnet().contains("Movie", PartOfSpeech::noun));
  EXPECT_TRUE(wordnet().contains("motion picture", PartOfSpeech::noun));
  EXPECT_FALSE(wordnet().contains("movie", PartOfSpeech::verb));
  EXPECT_FALSE(wordnet().contains("xqzzy", PartOfSpeech::noun));
}

TEST(WordNet, SynonymsInSenseOrder) {
  const auto movie = wordnet().synonyms("movie", PartOfSpeech::noun);
  EXPECT_EQ(movie, (std::vector<std::string>{"film", "picture", "moving_picture", "moving-picture_show",
                                             "motion_picture", "motion-picture_show", "picture_show", "pic", "flick"}));
  const auto good = wordnet().synonyms("good", PartOfSpeech::adjective);
  ASSERT_GE(good.size(), 4u);
  EXPECT_EQ(good[0], "full");  // sense 2: "full, good"
  EXPECT_THAT(good, Contains("beneficial"));
  EXPECT_THAT(good, Contains("well"));  // adjective marker "well(p)" removed
  EXPECT_THAT(good, Not(Contains("good")));
  EXPECT_THAT(wordnet().synonyms("run", PartOfSpeech::verb), Contains("scat"));
  EXPECT_TRUE(wordnet().synonyms("movie", PartOfSpeech::verb).empty());
}

TEST(WordNet, BaseFormsFromExceptionLists) {
  EXPECT_EQ(wordnet().base_forms("ran", PartOfSpeech::verb),
            (std::vector<BaseForm>{{"run", PartOfSpeech::verb, "", "", true}}));
  EXPECT_EQ(wordnet().base_forms("geese", PartOfSpeech::noun),
            (std::vector<BaseForm>{{"goose", PartOfSpeech::noun, "", "", true}}));
  EXPECT_EQ(wordnet().base_forms("better", PartOfSpeech::adjective),
            (std::vector<BaseForm>{{"better", PartOfSpeech::adjective, "", "", false},
                                   {"good", PartOfSpeech::adjective, "", "", true},
                                   {"well", PartOfSpeech::adjective, "", "", true}}));
}

TEST(WordNet, BaseFormsFromSuffixRules) {
  EXPECT_EQ(wordnet().base_forms("movies", PartOfSpeech::noun),
            (std::vector<BaseForm>{{"movie", PartOfSpeech::noun, "s", "", false}}));
  EXPECT_EQ(wordnet().base_forms("Stories", PartOfSpeech::noun),
            (std::vector<BaseForm>{{"story", PartOfSpeech::noun, "ies", "y", false}}));
  EXPECT_EQ(wordnet().base_forms("boxes", PartOfSpeech::noun),
            (std::vector<BaseForm>{{"box", PartOfSpeech::noun, "xes", "x", false}}));
  EXPECT_EQ(wordnet().base_forms("moving", PartOfSpeech::verb),
            (std::vector<BaseForm>{{"move", PartOfSpeech::verb, "ing", "e", false}}));
  EXPECT_EQ(wordnet().base_forms("movie", PartOfSpeech::noun),
            (std::vector<BaseForm>{{"movie", PartOfSpeech::noun, "", "", false}}));
  // Nouns in "ss" keep their s.
  EXPECT_EQ(wordnet().base_forms("glass", PartOfSpeech::noun),
            (std::vector<BaseForm>{{"glass", PartOfSpeech::noun, "", "", false}}));
  EXPECT_TRUE(wordnet().base_forms("movies", PartOfSpeech::verb).empty());
}

TEST(WordNetRecipe, SynonymsOfEveryPartOfSpeechTheWordHas) {
  const discover::WordNetRecipe recipe;
  EXPECT_EQ(recipe.name(), "wordnet");
  core::Rng rng(0);
  const auto candidates = recipe.candidates("movie", rng);
  EXPECT_EQ(replacements(candidates), (std::vector<std::string>{"film", "picture", "pic", "flick"}));
  for (const auto& candidate : candidates) EXPECT_EQ(candidate.operation, discover::EditOperation::synonym);
  EXPECT_THAT(replacements(recipe.candidates("good", rng)), Contains("beneficial"));
  EXPECT_THAT(replacements(recipe.candidates("good", rng)), Contains("well"));
}

TEST(WordNetRecipe, InflectsLikeTheWordAndKeepsItsCase) {
  const discover::WordNetRecipe recipe;
  core::Rng rng(0);
  EXPECT_EQ(replacements(recipe.candidates("Movies", rng)),
            (std::vector<std::string>{"Films", "Pictures", "Pics", "Flicks"}));
  EXPECT_EQ(replacements(recipe.candidates("MOVIE", rng)),
            (std::vector<std::string>{"FILM", "PICTURE", "PIC", "FLICK"}));
  EXPECT_THAT(replacements(recipe.candidates("moving", rng)), Contains("displacing"));
  // Irregular forms get nothing rather than an uninflected synonym.
  EXPECT_TRUE(recipe.candidates("ran", rng).empty());
  EXPECT_TRUE(recipe.candidates("xqzzy", rng).empty());
}

TEST(WordNetRecipe, MissingDatabaseIsAnIoErrorNamingTheFile) {
  test::TempDir dir;
  const discover::WordNetRecipe recipe(dir.path());
  core::Rng rng(0);
  const auto error = test::expect_error([&] { recipe.candidates("movie", rng); });
  EXPECT_EQ(error.kind(), core::ErrorKind::io);
  EXPECT_THAT(error.what(), HasSubstr((dir / "data.noun").string()));
  EXPECT_THAT(error.what(), HasSubstr("wordnet-base"));
}

TEST(WordNet, MalformedIndexNamesFileAndLine) {
  test::TempDir dir;
  for (const char* suffix : {"noun", "verb", "adj", "adv"}) {
    test::write_text(dir / (std::string("data.") + suffix), "");
    test::write_text(dir / (std::string(suffix) + ".exc"), "");
    test::write_text(dir / (std::string("index.") + suffix), "  licence header\n");
  }
  test::write_text(dir / "index.noun", "  licence header\nmovie n 1 0 1 0 00000000\nfilm n two 0\n");
  const auto error = test::expect_error([&] { discover::WordNet::load(dir.path()); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr("index.noun:3: "));
  EXPECT_THAT(error.what(), HasSubstr("\"two\" is not a number"));
}

}  // namespace
