// Predictions files (docs/data-formats.md, "Predictions files"): every accepted form gives the same
// probabilities, every error names the file, line and column, and the classifier built from them
// answers only for its split.

#include "blindspot/core/error.hpp"
#include "blindspot/model/predictions.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

// The probabilities of tests/fixtures/predictions/split.csv's rows, labels negative, positive.
const std::vector<model::Probabilities> kExpected = {{0.1, 0.9}, {0.8, 0.2}, {0.3, 0.7}, {0.55, 0.45}};

std::filesystem::path split_file() { return test::fixture("predictions/split.csv"); }

model::Predictions read_fixture(const std::string& name) {
  return model::read_predictions(test::fixture("predictions/" + name), split_file());
}

class PredictionsErrors : public ::testing::Test {
 protected:
  // Reads `content` as a predictions file named `name` and returns the error it must raise.
  core::Error error_of(const std::string& name, const std::string& content, model::PredictionsOptions options = {}) {
    file_ = dir_ / name;
    test::write_text(file_, content);
    return test::expect_error([&] { model::read_predictions(file_, split_file(), options); });
  }
  std::string at(int line) const { return file_.string() + ":" + std::to_string(line) + ": "; }

  test::TempDir dir_;
  std::filesystem::path file_;
};

TEST(Predictions, CsvKeyedByIdInAnyOrder) {
  const auto predictions = read_fixture("by_id.csv");
  EXPECT_EQ(predictions.key, model::PredictionKey::row_id);
  EXPECT_EQ(predictions.split.labels.names(), (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(predictions.probabilities, kExpected);
}

TEST(Predictions, TsvKeyedByTextWithColumnsInAnyOrder) {
  const auto predictions = read_fixture("by_text.tsv");
  EXPECT_EQ(predictions.key, model::PredictionKey::text);
  EXPECT_EQ(predictions.probabilities, kExpected);
}

TEST(Predictions, JsonlWithOneKeyPerLabelAndIdsAsIntegersOrStrings) {
  EXPECT_EQ(read_fixture("per_label.jsonl").probabilities, kExpected);
}

TEST(Predictions, JsonlWithAProbabilitiesObjectKeyedByText) {
  const auto predictions = read_fixture("nested.jsonl");
  EXPECT_EQ(predictions.key, model::PredictionKey::text);
  EXPECT_EQ(predictions.probabilities, kExpected);
}

TEST(Predictions, GivenLabelsMayIncludeOnesTheSplitLacks) {
  test::TempDir dir;
  test::write_text(dir / "p.csv",
                   "id,neutral,negative,positive\n0,0,0.1,0.9\n1,0.5,0.3,0.2\n2,0,0.3,0.7\n"
                   "3,0.1,0.45,0.45\n");
  model::PredictionsOptions options;
  options.labels = {"negative", "neutral", "positive"};
  const auto predictions = model::read_predictions(dir / "p.csv", split_file(), options);
  EXPECT_EQ(predictions.split.labels.names(), options.labels);
  EXPECT_EQ(predictions.probabilities[1], (model::Probabilities{0.3, 0.5, 0.2}));
}

TEST(Predictions, RowsWithTheSameTextAndTheSameProbabilitiesMayRepeat) {
  test::TempDir dir;
  test::write_text(dir / "p.csv",
                   "text,negative,positive\na fine film,0.1,0.9\na fine film,0.1,0.9\n\"dull, slow\",0.8,0.2\n"
                   "loud and long,0.3,0.7\nnot bad at all,0.55,0.45\n");
  EXPECT_EQ(model::read_predictions(dir / "p.csv", split_file()).probabilities, kExpected);
}

TEST_F(PredictionsErrors, MissingRowsAreNamedWithTheirSplitLines) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,0.1,0.9\n2,0.3,0.7\n");
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr(file_.string() +
                                      ": 2 of the split's 4 rows have no prediction; first missing "
                                      "rows: 1 (" +
                                      split_file().string() + ":3), 3 (" + split_file().string() + ":5)"));
}

TEST_F(PredictionsErrors, RowIdOutsideTheSplit) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,0.1,0.9\n4,0.8,0.2\n");
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "column \"id\": row id \"4\" is not a row of the split (" +
                                      split_file().string() + " has 4 rows: ids 0 to 3, 0-based)"));
}

TEST_F(PredictionsErrors, TextNotInTheSplit) {
  const auto error = error_of("p.csv", "text,negative,positive\na fine film,0.1,0.9\na fine flim,0.8,0.2\n");
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "column \"text\": text is not in the split "));
  EXPECT_THAT(error.what(), HasSubstr("\"a fine flim\""));
}

TEST_F(PredictionsErrors, RowGivenTwice) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,0.1,0.9\n1,0.8,0.2\n0,0.2,0.8\n");
  EXPECT_THAT(error.what(), HasSubstr(at(4) + "column \"id\": row 0 of the split is already predicted on line 2"));
}

TEST_F(PredictionsErrors, IdTextThatDiffersFromTheSplitRow) {
  const auto error = error_of("p.csv", "id,text,negative,positive\n0,a fine film,0.1,0.9\n1,loud and long,0.8,0.2\n");
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "column \"text\": text differs from row 1 of the split"));
}

TEST_F(PredictionsErrors, UnknownLabelColumnSuggestsTheLabel) {
  const auto error = error_of("p.csv", "id,negative,postive\n0,0.1,0.9\n");
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr(at(1) + "column \"postive\": unknown label (labels: negative, positive) "
                                              "(did you mean \"positive\"?)"));
}

TEST_F(PredictionsErrors, BlankLinesBeforeTheHeaderCountForItsLine) {
  const auto error = error_of("p.csv", "\n\nid,negative,postive\n0,0.1,0.9\n");
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "column \"postive\": unknown label"));
}

TEST_F(PredictionsErrors, MissingLabelColumn) {
  const auto error = error_of("p.csv", "id,negative\n0,1\n");
  EXPECT_THAT(error.what(), HasSubstr(at(1) + "column \"positive\": no probability for this label (columns: "
                                              "\"negative\")"));
}

TEST_F(PredictionsErrors, JsonlLineWithoutALabel) {
  const auto error = error_of("p.jsonl",
                              "{\"id\": 0, \"negative\": 0.1, \"positive\": 0.9}\n"
                              "{\"id\": 1, \"negative\": 1.0}\n");
  EXPECT_THAT(error.what(), HasSubstr(at(2) + "column \"positive\": no probability for this label"));
}

TEST_F(PredictionsErrors, JsonlUnknownLabelInTheProbabilitiesObject) {
  const auto error = error_of("p.jsonl",
                              "{\"id\": 0, \"probabilities\": {\"negative\": 0.1, \"positive\": 0.9}}\n"
                              "{\"id\": 1, \"probabilities\": {\"negative\": 0.8, \"Positive\": 0.2}}\n");
  EXPECT_THAT(error.what(), HasSubstr(at(2) + "column \"Positive\": unknown label"));
}

TEST_F(PredictionsErrors, NotANumber) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,0.1,0.9\n1,NaN,0.2\n");
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "column \"negative\": probability is not finite: nan"));
}

TEST_F(PredictionsErrors, NotNumeric) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,0.1,high\n");
  EXPECT_THAT(error.what(), HasSubstr(at(2) + "column \"positive\": probability is not a number: \"high\""));
}

TEST_F(PredictionsErrors, JsonlProbabilityThatIsNotANumber) {
  const auto error = error_of("p.jsonl", "{\"id\": 0, \"negative\": \"0.1\", \"positive\": 0.9}\n");
  EXPECT_THAT(error.what(), HasSubstr(at(1) + "column \"negative\": probability must be a JSON number, got a string"));
}

TEST_F(PredictionsErrors, Negative) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,-0.1,1.1\n");
  EXPECT_THAT(error.what(), HasSubstr(at(2) + "column \"negative\": probability is negative: -0.1"));
}

TEST_F(PredictionsErrors, NotSummingToOne) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,0.1,0.9\n1,0.5,0.498\n");
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "probabilities sum to 0.998, not 1 (within 0.001)"));
}

TEST_F(PredictionsErrors, SumWithinTheToleranceIsAccepted) {
  file_ = dir_ / "p.csv";
  test::write_text(file_, "id,negative,positive\n0,0.1,0.9\n1,0.8,0.2\n2,0.3,0.7\n3,0.55,0.4505\n");
  EXPECT_NEAR(model::read_predictions(file_, split_file()).probabilities[3][1], 0.4505, 1e-12);
}

TEST_F(PredictionsErrors, MalformedCsvLine) {
  const auto error = error_of("p.csv", "id,negative,positive\n0,0.1,0.9\n1,0.8\n");
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "expected 3 fields as in the header, got 2"));
}

TEST_F(PredictionsErrors, MalformedJsonlLine) {
  const auto error = error_of("p.jsonl", "{\"id\": 0, \"negative\": 0.1, \"positive\": 0.9}\n\n{\"id\": 1, \"neg\n");
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr(at(3) + "invalid JSON at byte column"));
}

// Issue 13, finding 4: a number that overflows a double was an "internal error".
TEST_F(PredictionsErrors, NumberThatOverflowsInAJsonlLine) {
  const auto error = error_of("p.jsonl", "{\"id\": 0, \"negative\": 0.1, \"positive\": 0.9}\n{\"id\": 1, "
                                         "\"negative\": 1e999, \"positive\": 0.2}\n");
  EXPECT_EQ(error.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(error.what(), HasSubstr(at(2) + "column \"negative\": number 1e999 is out of range"));
}

TEST_F(PredictionsErrors, EmptyFile) {
  const auto csv = error_of("p.csv", "");
  EXPECT_EQ(csv.kind(), core::ErrorKind::bad_input);
  EXPECT_THAT(csv.what(), HasSubstr(file_.string() + ": file is empty"));
  const auto jsonl = error_of("p.jsonl", "\n  \n");
  EXPECT_THAT(jsonl.what(), HasSubstr(file_.string() + ": file is empty"));
}

TEST_F(PredictionsErrors, NoIdOrTextColumn) {
  const auto error = error_of("p.csv", "row,negative,positive\n0,0.1,0.9\n");
  EXPECT_THAT(error.what(), HasSubstr(at(1) + "no \"id\" or \"text\" column (columns: \"row\", \"negative\", "
                                              "\"positive\")"));
}

TEST(PredictionsClassifier, AnswersForTheSplitAndRefusesAnyOtherQuery) {
  const auto model = model::make_predictions_classifier(read_fixture("by_id.csv"));
  std::vector<std::string> texts = {"a fine film", "dull, slow", "loud and long", "not bad at all"};
  EXPECT_EQ(model->predict_batch(texts, 2), kExpected);
  EXPECT_EQ(model->probabilities("loud and long"), kExpected[2]);
  EXPECT_EQ(model->kind(), "predictions");
  EXPECT_EQ(model->identity().source, "predictions:" + test::fixture("predictions/by_id.csv").string());
  EXPECT_FALSE(model->trainable());

  // What an attack asks: a perturbed text.
  const auto error = test::expect_error([&] { model->predict_batch({"a fine flim", "a fine film"}, 1); });
  EXPECT_EQ(error.kind(), core::ErrorKind::usage);
  EXPECT_THAT(error.what(), HasSubstr("this command must query the model: a predictions file (--predictions "));
  EXPECT_THAT(error.what(), HasSubstr(") only answers for the rows of its split; give --model"));
  EXPECT_EQ(test::expect_error([&] { model->probabilities("not in the split"); }).kind(), core::ErrorKind::usage);
  test::TempDir dir;
  EXPECT_EQ(test::expect_error([&] { model->save(dir / "m.bin"); }).kind(), core::ErrorKind::usage);
  EXPECT_EQ(test::expect_error([&] {
              model->train(model::read_predictions(test::fixture("predictions/by_id.csv"), split_file()).split, {});
            }).kind(),
            core::ErrorKind::usage);
}

TEST(PredictionsClassifier, RowsWithTheSameTextKeepTheirOwnPredictionsInAScan) {
  test::TempDir dir;
  test::write_text(dir / "split.csv", "text,label\nsame,a\nother,b\nsame,a\n");
  test::write_text(dir / "p.csv", "id,a,b\n0,0.9,0.1\n1,0.2,0.8\n2,0.3,0.7\n");
  const auto model = model::make_predictions_classifier(model::read_predictions(dir / "p.csv", dir / "split.csv"));
  const auto batch = model->predict_batch({"same", "other", "same"}, 1);
  EXPECT_EQ(batch[0], (model::Probabilities{0.9, 0.1}));
  EXPECT_EQ(batch[2], (model::Probabilities{0.3, 0.7}));
}

}  // namespace
