#include "blindspot/discover/attack/attack_output.hpp"
#include "blindspot/discover/attack/attack_records.hpp"
#include "blindspot/discover/attack/deepwordbug.hpp"
#include "blindspot/discover/uu_records.hpp"
#include "blindspot/store/runs.hpp"

#include "lexicon_classifier.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

// Row 0 flips confidently, row 1 is misclassified already, row 2 resists (stopwords only).
data::Split make_split() {
  data::Split split;
  split.name = "dev";
  split.file = "dev.csv";
  split.labels = data::LabelSet({"negative", "positive"});
  split.examples = {{"A superb, \"moving\" film.", 1, 2}, {"dull", 1, 3}, {"very very", 1, 4}};
  return split;
}

test::LexiconClassifier make_model() {
  return test::LexiconClassifier({{"superb", 4.0}, {"dull", -2.0}, {"very", 1.5}}, -2.0);
}

discover::AttackRun make_run() {
  discover::AttackOptions options;
  options.seed = 1;
  options.threads = 1;
  return discover::attack_split(make_model(), discover::DeepWordBugRecipe(), make_split(), options);
}

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file) {
  std::istringstream lines(test::read_text(file));
  std::vector<nlohmann::json> records;
  for (std::string line; std::getline(lines, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

TEST(AttackOutput, JsonlHoldsEveryAttackWithItsEdits) {
  test::TempDir dir;
  const auto split = make_split();
  const auto run = make_run();
  ASSERT_EQ(run.results[0].outcome, discover::AttackOutcome::succeeded);
  discover::write_attacks_jsonl(dir / "a.jsonl", split, run);
  const auto records = read_jsonl(dir / "a.jsonl");
  ASSERT_EQ(records.size(), 3u);

  const auto& first = records[0];
  const auto& edit = run.results[0].edits.at(0);
  EXPECT_EQ(first["split"], "dev");
  EXPECT_EQ(first["row"], 0);
  EXPECT_EQ(first["line"], 2);
  EXPECT_EQ(first["recipe"], "deepwordbug");
  EXPECT_EQ(first["goal"], "confident");
  EXPECT_EQ(first["outcome"], "succeeded");
  EXPECT_EQ(first["true_label"], "positive");
  EXPECT_EQ(first["final_label"], "negative");
  EXPECT_DOUBLE_EQ(first["final_confidence"].get<double>(), test::sigmoid(2.0));
  EXPECT_EQ(first["original_text"], "A superb, \"moving\" film.");
  EXPECT_EQ(first["perturbed_text"], "A " + edit.replacement + ", \"moving\" film.");
  EXPECT_EQ(first["marked_original"], "A [[superb]], \"moving\" film.");
  EXPECT_EQ(first["marked_text"], "A [[" + edit.replacement + "]], \"moving\" film.");
  EXPECT_DOUBLE_EQ(first["original_probabilities"]["positive"].get<double>(), test::sigmoid(2.0));
  EXPECT_DOUBLE_EQ(first["final_probabilities"]["negative"].get<double>(), test::sigmoid(2.0));
  ASSERT_EQ(first["edits"].size(), 1u);
  EXPECT_EQ(first["edits"][0]["word_index"], 1);
  EXPECT_EQ(first["edits"][0]["offset"], 2);
  EXPECT_EQ(first["edits"][0]["original"], "superb");
  EXPECT_EQ(first["edits"][0]["operation"], discover::to_string(edit.operation));
  EXPECT_EQ(first["queries"], run.results[0].queries);

  EXPECT_EQ(records[1]["outcome"], "skipped_already_wrong");
  EXPECT_EQ(records[1]["perturbed_text"], "dull");
  EXPECT_EQ(records[2]["outcome"], "no_more_words");
  EXPECT_TRUE(records[2]["edits"].empty());
}

TEST(AttackOutput, CsvHasOneRowPerAttack) {
  test::TempDir dir;
  const auto split = make_split();
  const auto run = make_run();
  discover::write_attacks_csv(dir / "a.csv", split, run);
  const std::string csv = test::read_text(dir / "a.csv");
  std::istringstream lines(csv);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header,
            "row,line,recipe,outcome,true_label,final_label,final_confidence,queries,levenshtein,edit_count,"
            "original_text,perturbed_text,marked_text,edits,p_original_negative,p_original_positive,"
            "p_final_negative,p_final_positive");
  EXPECT_THAT(csv, HasSubstr("\n0,2,deepwordbug,succeeded,positive,negative,"));
  EXPECT_THAT(csv, HasSubstr(",\"A superb, \"\"moving\"\" film.\","));
  EXPECT_THAT(csv, HasSubstr("\n1,3,deepwordbug,skipped_already_wrong,positive,negative,"));
  EXPECT_THAT(csv, HasSubstr("\n2,4,deepwordbug,no_more_words,positive,positive,"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
}

TEST(AttackRecords, StoresEveryAttackAndTheAdversarialUus) {
  test::TempDir dir;
  auto db = store::Database::open(dir / "store.db");
  const auto run_id = store::begin_run(db, "attack", "{}", "{}");
  const auto split = make_split();
  const auto run = make_run();
  discover::record_attacks(db, run_id, split, run);
  discover::record_attacks(db, run_id, split, run);  // replaces, does not duplicate

  const auto counts = discover::stored_attack_counts(db, run_id);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].outcome, "no_more_words");
  EXPECT_EQ(counts[1].outcome, "skipped_already_wrong");
  EXPECT_EQ(counts[2].outcome, "succeeded");
  EXPECT_EQ(counts[2].recipe, "deepwordbug");
  EXPECT_EQ(counts[2].count, 1);

  auto attack = db.prepare(
      "SELECT outcome, final_label, queries, levenshtein, perturbed_text, marked_text, json_extract(edits, "
      "'$[0].original'), "
      "json_extract(original_probabilities, '$[1]') FROM attacks WHERE run_id = ? AND row_index = 0");
  attack.bind(1, run_id);
  ASSERT_TRUE(attack.step());
  EXPECT_EQ(attack.column_text(0), "succeeded");
  EXPECT_EQ(attack.column_text(1), "negative");
  EXPECT_EQ(attack.column_int64(2), static_cast<std::int64_t>(run.results[0].queries));
  EXPECT_EQ(attack.column_int64(3), static_cast<std::int64_t>(run.results[0].levenshtein));
  EXPECT_EQ(attack.column_text(4), run.results[0].perturbed_text);
  EXPECT_THAT(attack.column_text(5), HasSubstr("[["));
  EXPECT_EQ(attack.column_text(6), "superb");
  EXPECT_DOUBLE_EQ(attack.column_double(7), test::sigmoid(2.0));

  const auto uus = discover::stored_uu_counts(db, run_id);
  ASSERT_EQ(uus.size(), 1u);
  EXPECT_EQ(uus[0].kind, "adversarial");
  EXPECT_EQ(uus[0].count, 1);
  auto uu = db.prepare("SELECT text, predicted_label, line FROM uus WHERE run_id = ?");
  uu.bind(1, run_id);
  ASSERT_TRUE(uu.step());
  EXPECT_EQ(uu.column_text(0), run.results[0].perturbed_text);
  EXPECT_EQ(uu.column_text(1), "negative");
  EXPECT_EQ(uu.column_int64(2), 2);
}

}  // namespace
