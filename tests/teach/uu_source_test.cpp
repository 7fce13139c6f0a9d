#include "blindspot/teach/uu_source.hpp"

#include "blindspot/store/runs.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace blindspot::teach {
namespace {

using ::testing::HasSubstr;

const data::LabelSet kLabels({"negative", "positive"});

const char* kScanLine =
    R"({"split":"dev","row":7,"line":9,"text":"a fine mess","true_label":"negative","predicted_label":"positive","confidence":0.91,"probabilities":{"negative":0.09,"positive":0.91}})";
const char* kAttackUuLine =
    R"({"split":"dev","row":3,"line":5,"recipe":"deepwordbug","goal":"confident","outcome":"succeeded","true_label":"negative","final_label":"positive","final_confidence":0.8,"queries":40,"levenshtein":2,"original_text":"a bad film","perturbed_text":"a bda film","marked_original":"a [[bad]] film","marked_text":"a [[bda]] film","original_probabilities":{},"final_probabilities":{},"edits":[{"word_index":1,"offset":2,"original":"bad","replacement":"bda","operation":"swap"}]})";
const char* kAttackFailedLine =
    R"({"split":"dev","row":4,"line":6,"recipe":"deepwordbug","outcome":"budget_exhausted","true_label":"negative","final_label":"negative","final_confidence":0.7,"original_text":"x","perturbed_text":"x","marked_text":"x","edits":[]})";

TEST(ReadUusFile, ReadsNaturalAndAdversarialUusAndSkipsFailedAttacks) {
  test::TempDir dir;
  test::write_text(dir / "uus.jsonl", std::string(kScanLine) + "\n\n" + kAttackFailedLine + "\n" + kAttackUuLine + "\n");
  const auto uus = read_uus_file(dir / "uus.jsonl", kLabels);
  ASSERT_EQ(uus.size(), 2u);
  EXPECT_EQ(uus[0].id, "dev:7:natural");
  EXPECT_EQ(uus[0].kind, discover::UuKind::natural);
  EXPECT_EQ(uus[0].text, "a fine mess");
  EXPECT_EQ(uus[0].predicted_label, "positive");
  EXPECT_DOUBLE_EQ(uus[0].confidence, 0.91);
  EXPECT_EQ(uus[1].id, "dev:3:deepwordbug");
  EXPECT_EQ(uus[1].kind, discover::UuKind::adversarial);
  EXPECT_EQ(uus[1].text, "a bda film");
  EXPECT_EQ(uus[1].original_text, "a bad film");
  EXPECT_EQ(uus[1].marked_text, "a [[bda]] film");
  ASSERT_EQ(uus[1].edits.size(), 1u);
  EXPECT_EQ(uus[1].edits[0].original, "bad");
  EXPECT_EQ(uus[1].edits[0].replacement, "bda");
  EXPECT_EQ(uus[1].edits[0].operation, "swap");
  EXPECT_EQ(uus[1].blind_spot, -1);
}

TEST(ReadUusFile, ErrorsNameFileLineAndField) {
  test::TempDir dir;
  const auto check = [&](const std::string& content, const std::string& message) {
    test::write_text(dir / "u.jsonl", content);
    const auto error = test::expect_error([&] { read_uus_file(dir / "u.jsonl", kLabels); });
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
    EXPECT_THAT(error.what(), HasSubstr(message)) << content;
  };
  std::string unknown_label = kScanLine;
  unknown_label.replace(unknown_label.find("\"positive\""), 10, "\"postive\"");
  check(std::string(kScanLine) + "\n" + unknown_label + "\n",
        "u.jsonl:2: column \"predicted_label\": unknown label \"postive\"");
  check(std::string(kScanLine) + "\n{\"split\": \n", "u.jsonl:2: invalid JSON");
  check("[1, 2]\n", "u.jsonl:1: expected a JSON object");
  check(R"({"split":"dev","row":1,"true_label":"negative"})", "u.jsonl:1: column \"text\": key is missing");
  check(R"({"split":"dev","row":"1"})", "u.jsonl:1: column \"row\": must be a JSON integer");
  check("\n\n", "u.jsonl: file is empty");
  check(std::string(kAttackFailedLine) + "\n", "u.jsonl: no UUs in 1 records");
}

TEST(ReadUusJsonl, NoUuIsAResultNotAnError) {
  test::TempDir dir;
  test::write_text(dir / "empty.jsonl", "");
  test::write_text(dir / "failed.jsonl", std::string(kAttackFailedLine) + "\n");
  test::write_text(dir / "uus.jsonl", std::string(kAttackFailedLine) + "\n" + kScanLine + "\n");
  EXPECT_TRUE(read_uus_jsonl(dir / "empty.jsonl", kLabels).empty());
  EXPECT_TRUE(read_uus_jsonl(dir / "failed.jsonl", kLabels).empty());
  const auto uus = read_uus_jsonl(dir / "uus.jsonl", kLabels);
  ASSERT_EQ(uus.size(), 1u);
  EXPECT_EQ(uus[0].id, "dev:7:natural");
  // Anything else is still the reader's error, with file and line.
  test::write_text(dir / "bad.jsonl", std::string(kScanLine) + "\nnot json\n");
  const core::Error error = test::expect_error([&] { read_uus_jsonl(dir / "bad.jsonl", kLabels); });
  EXPECT_THAT(error.what(), HasSubstr("bad.jsonl:2"));
}

TEST(ReadUusFromRun, JoinsAdversarialUusWithTheirAttacks) {
  test::TempDir dir;
  auto db = store::Database::open(dir / "s.db");
  const auto run = store::begin_run(db, "attack", "{}", "{}");
  db.exec(
      "INSERT INTO uus VALUES (" + std::to_string(run) +
      ", 'dev', 3, 5, 'adversarial', 'a bda film', 'negative', 'positive', 0.8, '{}');"
      "INSERT INTO uus VALUES (" + std::to_string(run) +
      ", 'dev', 9, 11, 'natural', 'so good', 'negative', 'positive', 0.7, '{}');"
      "INSERT INTO attacks VALUES (" + std::to_string(run) +
      ", 'dev', 3, 'deepwordbug', 'succeeded', 'negative', 'positive', 0.8, 40, 2, 'a bad film', 'a bda film', "
      "'a [[bda]] film', '{}', '{}', '[{\"original\":\"bad\",\"replacement\":\"bda\",\"operation\":\"swap\"}]');");
  const auto uus = read_uus_from_run(db, run, kLabels);
  ASSERT_EQ(uus.size(), 2u);
  EXPECT_EQ(uus[0].id, "dev:9:natural");
  EXPECT_EQ(uus[1].id, "dev:3:deepwordbug");
  EXPECT_EQ(uus[1].original_text, "a bad film");
  ASSERT_EQ(uus[1].edits.size(), 1u);
  EXPECT_EQ(uus[1].edits[0].operation, "swap");

  const auto empty_run = store::begin_run(db, "train", "{}", "{}");
  const auto error = test::expect_error([&] { read_uus_from_run(db, empty_run, kLabels); });
  EXPECT_THAT(error.what(), HasSubstr("stored no UUs"));
  const auto wrong_labels = test::expect_error([&] { read_uus_from_run(db, run, data::LabelSet({"ham", "spam"})); });
  EXPECT_THAT(wrong_labels.what(), HasSubstr("label \"negative\", which the model does not know"));
}

}  // namespace
}  // namespace blindspot::teach
