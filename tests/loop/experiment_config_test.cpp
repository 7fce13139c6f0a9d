#include "blindspot/loop/experiment.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

namespace blindspot::loop {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ExperimentConfig, ReadsEveryKeyWithPathsRelativeToTheFile) {
  test::TempDir dir;
  test::write_text(dir / "e.toml",
                   "name = \"imdb-auto\"\ndata = \"data/imdb\"\nseeds = [0, 1, 2]\n"
                   "conditions = [\"untargeted\", \"auto\"]\nsample_budget = 80\nmax_uus = 40\n"
                   "threshold = 0.7\nchallenge_sets = [\"cad/test.csv\"]\nhourly_wage_usd = 12.5\nminn = 3\nmaxn = 6\n"
                   "attribution = 4\nhuman_campaign = 7\n");
  const auto config = read_experiment_config(dir / "e.toml");
  EXPECT_EQ(config.name, "imdb-auto");
  EXPECT_EQ(config.loop.data, dir / "data/imdb");
  EXPECT_THAT(config.seeds, ElementsAre(0u, 1u, 2u));
  EXPECT_THAT(config.conditions, ElementsAre(TeacherKind::none, TeacherKind::untargeted,
                                             TeacherKind::automatic));  // none is always compared with
  EXPECT_EQ(config.loop.sample_budget, 80u);
  EXPECT_EQ(config.loop.max_uus, 40u);
  EXPECT_DOUBLE_EQ(config.loop.threshold, 0.7);
  EXPECT_THAT(config.loop.challenge_sets, ElementsAre(dir / "cad/test.csv"));
  EXPECT_DOUBLE_EQ(config.hourly_wage_usd, 12.5);
  EXPECT_EQ(config.loop.model.min_char_ngram, 3);
  EXPECT_EQ(config.loop.model.max_char_ngram, 6);
  EXPECT_EQ(config.loop.attribution, 4u);
  EXPECT_EQ(config.human_campaign, 7);
}

TEST(ExperimentConfig, TeachingRulesAndTheirDefaults) {
  test::TempDir dir;
  const std::string base = "data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"auto\"]\nsample_budget = 300\n";
  test::write_text(dir / "e.toml", base);
  const auto defaults = read_experiment_config(dir / "e.toml");
  EXPECT_EQ(defaults.loop.max_uus, std::nullopt);  // what the budget needs
  EXPECT_DOUBLE_EQ(defaults.loop.held_out_share, 0.5);
  EXPECT_DOUBLE_EQ(defaults.loop.length_low_factor, 0.25);
  EXPECT_DOUBLE_EQ(defaults.loop.length_high_factor, 2.0);

  test::write_text(dir / "e.toml", base +
                                       "max_uus = 0\nheld_out_share = 0.3\nlength_low_factor = 0.1\n"
                                       "length_high_factor = 3\n");
  const auto given = read_experiment_config(dir / "e.toml");
  EXPECT_EQ(given.loop.max_uus, 0u);  // all
  EXPECT_DOUBLE_EQ(given.loop.held_out_share, 0.3);
  EXPECT_DOUBLE_EQ(given.loop.length_low_factor, 0.1);
  EXPECT_DOUBLE_EQ(given.loop.length_high_factor, 3.0);

  const auto check = [&](const std::string& content, const std::string& message) {
    test::write_text(dir / "e.toml", content);
    const auto error = test::expect_error([&] { read_experiment_config(dir / "e.toml"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::usage);
    EXPECT_THAT(error.what(), HasSubstr(message)) << content;
  };
  check(base + "held_out_share = 0.95\n", "e.toml:5: column \"held_out_share\": must be in [0, 0.9]");
  check(base + "length_low_factor = 1.5\n", "e.toml:5: column \"length_low_factor\": must be in [0, 1]");
  check(base + "length_high_factor = 0.5\n", "e.toml:5: column \"length_high_factor\": must be in [1, 1000]");
}

TEST(ExperimentConfig, LabelIssueKeysAndTheirRules) {
  test::TempDir dir;
  const std::string base = "data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"auto\"]\nsample_budget = 10\n";
  test::write_text(dir / "e.toml", base);
  const auto defaults = read_experiment_config(dir / "e.toml");
  EXPECT_FALSE(defaults.loop.label_issues);
  EXPECT_EQ(defaults.loop.label_folds, 5);
  EXPECT_FALSE(defaults.loop.teach_label_issues);
  test::write_text(dir / "e.toml", base + "label_issues = true\nlabel_folds = 3\nteach_label_issues = true\n");
  const auto given = read_experiment_config(dir / "e.toml");
  EXPECT_TRUE(given.loop.label_issues);
  EXPECT_EQ(given.loop.label_folds, 3);
  EXPECT_TRUE(given.loop.teach_label_issues);
  for (const char* bad : {"label_issues = true\nlabel_folds = 1\n", "teach_label_issues = true\n"}) {
    test::write_text(dir / "e.toml", base + bad);
    const auto error = test::expect_error([&] { read_experiment_config(dir / "e.toml"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::usage) << bad;
    EXPECT_THAT(error.what(), HasSubstr(std::string(bad).find("folds") != std::string::npos ? "label_folds"
                                                                                          : "teach_label_issues"));
  }
}

TEST(ExperimentConfig, ErrorsNameFileLineAndKey) {
  test::TempDir dir;
  const auto check = [&](const std::string& content, const std::string& message) {
    test::write_text(dir / "e.toml", content);
    const auto error = test::expect_error([&] { read_experiment_config(dir / "e.toml"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::usage);
    EXPECT_THAT(error.what(), HasSubstr(message)) << content;
  };
  const std::string base = "data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"auto\"]\nsample_budget = 10\n";
  check("data = \"d\"\nseeds = [0, 1]\nconditions = [\"auto\"]\nsample_budget = 10\n",
        "e.toml:2: column \"seeds\": at least 3 seeds are needed");
  check("data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"auto\", \"humans\"]\nsample_budget = 10\n",
        "e.toml:3: column \"conditions\": unknown condition \"humans\"");
  check("data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"auto\", \"auto\"]\nsample_budget = 10\n",
        "condition \"auto\" is repeated");
  check("data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"auto\"]\n", "column \"sample_budget\": missing");
  check(base + "max_uus = -3\n", "e.toml:5: column \"max_uus\": must be a non-negative integer");
  check(base + "thresold = 0.5\n", "e.toml:5: column \"thresold\": unknown key");
  check(base + "threshold = 1.5\n", "column \"threshold\": must be in [0, 1]");
  check("data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"import\"]\nsample_budget = 10\n",
        "the import condition needs import_samples");
  check("data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"human\"]\nsample_budget = 10\n",
        "e.toml:3: column \"human_campaign\": the human condition needs human_campaign");
  check("data = \"d\"\nseeds = [0, 1, 2]\nconditions = [\"none\"]\nsample_budget = 10\n",
        "compare `none` with at least one other condition");
  check("seeds = [0, 1, 2\n", "e.toml:");
  check("seeds = [0, 1, 2]\nconditions = [\"auto\"]\nsample_budget = 10\n", "column \"data\": missing");
}

}  // namespace
}  // namespace blindspot::loop
