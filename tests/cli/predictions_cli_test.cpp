// scan and eval with --predictions: a file holding a fastText model's own probabilities (written
// in the shortest round-trip form) gives exactly the UUs and metrics of --model, and what must
// query a model says so.

#include "blindspot/core/number_format.hpp"
#include "blindspot/data/dataset_reader.hpp"
#include "blindspot/model/classifier.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

class PredictionsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    workspace_ = new test::TempDir();
    const auto result =
        blindspot("train --data " + quoted(test::shared_data("sst2")) + " --model " + quoted(model_file()));
    ASSERT_EQ(result.exit_code, 0) << result.errors;
    const auto model = model::load_classifier(model_file());
    write_predictions(*model, dev_file(), by_id_file(), false);
    write_predictions(*model, test_file(), by_text_file(), true);
  }
  static void TearDownTestSuite() { delete workspace_; }

  // CSV keyed by row id, or JSONL keyed by text with a probabilities object.
  static void write_predictions(const model::Classifier& model, const std::filesystem::path& split_file,
                                const std::filesystem::path& out, bool jsonl) {
    const data::Split split = data::read_split(split_file, model.labels());
    std::vector<std::string> texts;
    for (const auto& example : split.examples) texts.push_back(example.text);
    const auto probabilities = model.predict_batch(texts, 1);
    std::string content = jsonl ? "" : "id," + model.labels().joined(",") + "\n";
    for (std::size_t row = 0; row < texts.size(); ++row) {
      if (jsonl) {
        nlohmann::json object = {{"text", texts[row]}, {"probabilities", nlohmann::json::object()}};
        for (std::size_t label = 0; label < model.labels().size(); ++label) {
          object["probabilities"][model.labels().name(label)] = probabilities[row][label];
        }
        content += object.dump() + "\n";
        continue;
      }
      content += std::to_string(row);
      for (const double p : probabilities[row]) content += "," + core::format_shortest(p);
      content += "\n";
    }
    test::write_text(out, content);
  }

  static std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }
  static std::filesystem::path model_file() { return workspace_->path() / "sst2.bin"; }
  static std::filesystem::path dev_file() { return test::shared_data("sst2") / "dev.csv"; }
  static std::filesystem::path test_file() { return test::shared_data("sst2") / "test.csv"; }
  static std::filesystem::path by_id_file() { return workspace_->path() / "dev.predictions.csv"; }
  static std::filesystem::path by_text_file() { return workspace_->path() / "test.predictions.jsonl"; }
  static test::CommandResult blindspot(const std::string& arguments) {
    return test::run_command("'" + test::blindspot_binary().string() + "' --workspace '" +
                             (workspace_->path() / "ws").string() + "' " + arguments);
  }

  static test::TempDir* workspace_;
};

test::TempDir* PredictionsCli::workspace_ = nullptr;

TEST_F(PredictionsCli, ScanGivesTheUusOfTheModel) {
  const std::string data = " --data " + quoted(test::shared_data("sst2")) + " --split dev --json";
  const auto with_model =
      blindspot("scan --model " + quoted(model_file()) + data + " --out " + quoted(workspace_->path() / "model"));
  ASSERT_EQ(with_model.exit_code, 0) << with_model.errors;
  const auto with_predictions = blindspot("scan --predictions " + quoted(by_id_file()) + data + " --out " +
                                          quoted(workspace_->path() / "predictions"));
  ASSERT_EQ(with_predictions.exit_code, 0) << with_predictions.errors;

  auto model_report = nlohmann::json::parse(with_model.output);
  auto predictions_report = nlohmann::json::parse(with_predictions.output);
  EXPECT_GT(model_report["uus"].get<int>(), 10);
  for (const char* key : {"examples", "errors", "threshold", "uus", "uu_counts"}) {
    EXPECT_EQ(model_report[key], predictions_report[key]) << key;
  }
  const auto uus = test::read_text(workspace_->path() / "model.uus.jsonl");
  EXPECT_EQ(test::read_text(workspace_->path() / "predictions.uus.jsonl"), uus);
  EXPECT_EQ(test::read_text(workspace_->path() / "predictions.uus.csv"),
            test::read_text(workspace_->path() / "model.uus.csv"));
}

TEST_F(PredictionsCli, EvalGivesTheMetricsOfTheModel) {
  const std::string data = " --data " + quoted(test::shared_data("sst2")) + " --json";
  const auto with_model = blindspot("eval --model " + quoted(model_file()) + data + " --adversarial-sample 0");
  ASSERT_EQ(with_model.exit_code, 0) << with_model.errors;
  const auto with_predictions = blindspot("eval --predictions " + quoted(by_text_file()) + data);
  ASSERT_EQ(with_predictions.exit_code, 0) << with_predictions.errors;
  auto report = nlohmann::json::parse(with_predictions.output);
  auto model_report = nlohmann::json::parse(with_model.output);
  // A predictions file answers only for its own split: no train-set accuracy (docs/baseline.md).
  EXPECT_TRUE(report["baseline_check"]["train_accuracy"].is_null());
  EXPECT_GT(model_report["baseline_check"]["train_accuracy"].get<double>(), 0.9);
  report["baseline_check"].erase("train_accuracy");
  model_report["baseline_check"].erase("train_accuracy");
  EXPECT_EQ(report, model_report);
  EXPECT_EQ(report["examples"], 1821);
  EXPECT_FALSE(report.contains("adversarial"));
}

TEST_F(PredictionsCli, TheAdversarialMetricNeedsAModel) {
  const auto result = blindspot("eval --predictions " + quoted(by_text_file()) + " --data " +
                                quoted(test::shared_data("sst2")) + " --adversarial-sample 20");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors,
              HasSubstr("blindspot: error: the adversarial UU metric must query the model: a "
                        "predictions file (--predictions " +
                        by_text_file().string() + ") only answers for the rows of its split; give --model"));
}

TEST_F(PredictionsCli, ExactlyOneOfModelAndPredictions) {
  const std::string data = " --data " + quoted(test::shared_data("sst2"));
  const auto both = blindspot("scan --model " + quoted(model_file()) + " --predictions " + quoted(by_id_file()) + data);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.errors, HasSubstr("give either --model or --predictions, not both"));
  const auto neither = blindspot("eval" + data);
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_THAT(neither.errors, HasSubstr("give the model: --model M, or --predictions FILE"));
}

TEST_F(PredictionsCli, PredictionsForAnotherSplitNameTheMissingRows) {
  // The dev predictions against the test split: ids past dev's 872 rows are missing.
  const auto result = blindspot("scan --predictions " + quoted(by_id_file()) + " --data " +
                                quoted(test::shared_data("sst2")) + " --split test");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr(by_id_file().string() + ": 949 of the split's 1821 rows have no prediction; "
                                                               "first missing rows: 872 ("));
}

TEST_F(PredictionsCli, TheRunRecordsThePredictionsFileWithItsHash) {
  const auto scan =
      blindspot("scan --predictions " + quoted(by_id_file()) + " --data " + quoted(test::shared_data("sst2")) +
                " --json --out " + quoted(workspace_->path() / "rec"));
  ASSERT_EQ(scan.exit_code, 0) << scan.errors;
  const auto run = nlohmann::json::parse(scan.output)["run"].get<int>();
  const auto show = blindspot("show " + std::to_string(run) + " --json");
  ASSERT_EQ(show.exit_code, 0) << show.errors;
  EXPECT_THAT(show.output, HasSubstr(std::filesystem::weakly_canonical(by_id_file()).string()));
  EXPECT_THAT(show.output, HasSubstr("predictions"));
}

}  // namespace
