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

TEST(ReadUusFile, ReadsLabelIssueVerdicts) {
  test::TempDir dir;
  std::string flagged = kScanLine;
  flagged.insert(flagged.size() - 1, R"(,"label_issue":true,"label_quality":0.04)");
  test::write_text(dir / "uus.jsonl", flagged + "\n" + kScanLine + "\n");
  const auto uus = read_uus_file(dir / "uus.jsonl", kLabels);
  ASSERT_EQ(uus.size(), 2u);
  EXPECT_TRUE(uus[0].label_issue);
  EXPECT_DOUBLE_EQ(uus[0].label_quality, 0.04);
  EXPECT_FALSE(uus[1].label_issue);
  EXPECT_DOUBLE_EQ(uus[1].label_quality, -1);  // not estimated

  // write_uus_jsonl keeps the verdicts (the loop's grouping rewrites the UU file).
  write_uus_jsonl(dir / "again.jsonl", uus);
  const auto again = read_uus_file(dir / "again.jsonl", kLabels);
  EXPECT_TRUE(again[0].label_issue);
  EXPECT_DOUBLE_EQ(again[0].label_quality, 0.04);
  EXPECT_DOUBLE_EQ(again[1].label_quality, -1);
  EXPECT_EQ(test::read_text(dir / "again.jsonl").find("label_issue\":false"), std::string::npos);

  std::string half = kScanLine;
  half.insert(half.size() - 1, R"(,"label_issue":true)");
  test::write_text(dir / "half.jsonl", half + "\n");
  auto error = test::expect_error([&] { read_uus_file(dir / "half.jsonl", kLabels); });
  EXPECT_THAT(error.what(), HasSubstr("half.jsonl:1: column \"label_quality\": key is missing"));
  std::string mistyped = kScanLine;
  mistyped.insert(mistyped.size() - 1, R"(,"label_issue":1,"label_quality":0.5)");
  test::write_text(dir / "mistyped.jsonl", mistyped + "\n");
  error = test::expect_error([&] { read_uus_file(dir / "mistyped.jsonl", kLabels); });
  EXPECT_THAT(error.what(), HasSubstr("mistyped.jsonl:1: column \"label_issue\": must be true or false"));
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

// Issue 13, finding 4: numbers that overflow a double were an "internal error" without file or
// line; finite numbers out of range were taken as they came.
TEST(ReadUusFile, NumbersOutOfRangeAreBadInputNamingLineAndKey) {
  test::TempDir dir;
  const auto error_for = [&](const std::string& from, const std::string& to) {
    std::string line = kScanLine;
    line.replace(line.find(from), from.size(), to);
    test::write_text(dir / "u.jsonl", std::string(kScanLine) + "\n" + line + "\n");
    return test::expect_error([&] { read_uus_file(dir / "u.jsonl", kLabels); });
  };
  for (const std::string number : {"1e999", "1e400", "-1e999"}) {
    SCOPED_TRACE(number);
    const core::Error error = error_for("0.91,", number + ",");
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
    EXPECT_EQ(std::string(error.what()), (dir / "u.jsonl").string() + ":2: column \"confidence\": number " +
                                             number + " is out of range (a JSON number must fit a double, below 1.8e308)");
  }
  EXPECT_THAT(error_for("\"positive\":0.91}", "\"positive\":1e999}").what(),
              HasSubstr("u.jsonl:2: column \"probabilities\": number 1e999 is out of range"));
  EXPECT_THAT(error_for("0.91,", "1e300,").what(),
              HasSubstr("u.jsonl:2: column \"confidence\": must be a probability in [0, 1], got 1e+300"));
  EXPECT_THAT(error_for("\"row\":7", "\"row\":-7").what(),
              HasSubstr("u.jsonl:2: column \"row\": must be a row number (0 or more), got -7"));
  EXPECT_THAT(error_for("\"row\":7", "\"row\":18446744073709551615").what(),
              HasSubstr("u.jsonl:2: column \"row\": must be a row number (0 or more), got 18446744073709551615"));
  EXPECT_THAT(error_for("\"row\":7", "\"row\":7,\"blind_spot\":4294967297").what(),
              HasSubstr("u.jsonl:2: column \"blind_spot\": must be a blind spot number (-1 for none), got 4294967297"));
}

// Issue 13, finding 6: a UU whose text is only (Unicode) white space is no UU.
TEST(ReadUusFile, ATextOfUnicodeSpacesIsRefused) {
  test::TempDir dir;
  std::string line = kScanLine;
  line.replace(line.find("a fine mess"), 11, "\\u00a0\\u200b");
  test::write_text(dir / "u.jsonl", line + "\n");
  EXPECT_THAT(test::expect_error([&] { read_uus_file(dir / "u.jsonl", kLabels); }).what(),
              HasSubstr("u.jsonl:1: column \"text\": text is only whitespace"));
}

// Issue 13, findings 4 and 5: a UU file is hashed and read separately, so it must be a file.
TEST(ReadUusFile, APipeOrDeviceIsRefusedAtOnce) {
  const auto error = test::expect_error([] { read_uus_file("/dev/zero", kLabels); });
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_EQ(std::string(error.what()), "/dev/zero: is a device, not a file");
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
