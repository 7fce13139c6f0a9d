// The CLI end to end on a real dataset: train -> scan -> eval -> runs -> show, with outputs
// and exit codes checked, and the documented errors for bad input and usage.

#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

class CliEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    workspace_ = new test::TempDir();
    const auto result = blindspot("train --data " + shared("sst2") + " --model " + model_path() + " --json");
    ASSERT_EQ(result.exit_code, 0) << result.errors;
    train_output_ = new nlohmann::json(nlohmann::json::parse(result.output));
  }
  static void TearDownTestSuite() {
    delete train_output_;
    delete workspace_;
  }

  static std::string shared(const std::string& name) { return "'" + test::shared_data(name).string() + "'"; }
  static std::string model_path() { return "'" + (workspace_->path() / "sst2.bin").string() + "'"; }
  static test::CommandResult blindspot(const std::string& arguments) {
    return test::run_command("'" + test::blindspot_binary().string() + "' --workspace '" +
                             (workspace_->path() / "ws").string() + "' " + arguments);
  }

  static test::TempDir* workspace_;
  static nlohmann::json* train_output_;
};

test::TempDir* CliEndToEnd::workspace_ = nullptr;
nlohmann::json* CliEndToEnd::train_output_ = nullptr;

TEST_F(CliEndToEnd, TrainReportsModelAndLabels) {
  EXPECT_EQ((*train_output_)["examples"], 6920);
  EXPECT_EQ((*train_output_)["labels"], nlohmann::json::array({"negative", "positive"}));
  EXPECT_TRUE(std::filesystem::exists((*train_output_)["model"].get<std::string>()));
}

TEST_F(CliEndToEnd, ScanWritesUusAsJsonlAndCsvConsistentWithCounts) {
  const auto result = blindspot("scan --model " + model_path() + " --data " + shared("sst2") +
                                " --split dev --json --out '" + (workspace_->path() / "dev").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["examples"], 872);
  EXPECT_EQ(report["threshold"], 0.65);
  const auto uus = report["uus"].get<int>();
  EXPECT_GT(uus, 10);  // sst2 dev has well over 10 confident errors for a bag-of-ngrams model

  // Counts fall as the threshold rises, and the count at 0.65 is the number of UUs written.
  int previous = 1 << 30;
  for (const auto& count : report["uu_counts"]) {
    EXPECT_LE(count["count"].get<int>(), previous);
    previous = count["count"].get<int>();
    if (count["threshold"] == 0.65) {
      EXPECT_EQ(count["count"].get<int>(), uus);
    }
  }
  std::ifstream jsonl(workspace_->path() / "dev.uus.jsonl");
  std::string line;
  int lines = 0;
  while (std::getline(jsonl, line)) {
    const auto uu = nlohmann::json::parse(line);
    EXPECT_NE(uu["true_label"], uu["predicted_label"]);
    EXPECT_GE(uu["confidence"].get<double>(), 0.65);
    EXPECT_FALSE(uu["text"].get<std::string>().empty());
    ++lines;
  }
  EXPECT_EQ(lines, uus);
  const std::string csv = test::read_text(workspace_->path() / "dev.uus.csv");
  EXPECT_EQ(csv.rfind("text,true_label,predicted_label,confidence,line,p_negative,p_positive\n", 0), 0u);
}

TEST_F(CliEndToEnd, EvalPrintsMetricsAndRecordsThem) {
  const auto out_file = workspace_->path() / "eval.json";
  const auto result = blindspot("eval --model " + model_path() + " --data " + shared("sst2") + " --out '" +
                                out_file.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_THAT(result.output, HasSubstr("accuracy"));
  EXPECT_THAT(result.output, HasSubstr("macro-F1"));
  EXPECT_THAT(result.output, HasSubstr("ECE (15 bins)"));
  const auto report = nlohmann::json::parse(test::read_text(out_file));
  EXPECT_EQ(report["split"], "test");
  EXPECT_EQ(report["examples"], 1821);
  EXPECT_GT(report["accuracy"].get<double>(), 0.70);
  EXPECT_EQ(report["reliability"].size(), 15u);
  EXPECT_EQ(report["confusion"].size(), 2u);

  const auto runs = nlohmann::json::parse(blindspot("runs --json").output);
  ASSERT_GE(runs.size(), 2u);
  EXPECT_EQ(runs[0]["command"], "eval");
  EXPECT_EQ(runs[0]["status"], "ok");
  const auto shown = blindspot("show " + std::to_string(runs[0]["id"].get<int>()) + " --json");
  ASSERT_EQ(shown.exit_code, 0) << shown.errors;
  const auto run = nlohmann::json::parse(shown.output);
  bool has_accuracy = false;
  for (const auto& metric : run["metrics"]) {
    if (metric["name"] == "accuracy") {
      has_accuracy = true;
      EXPECT_DOUBLE_EQ(metric["value"].get<double>(), report["accuracy"].get<double>());
    }
  }
  EXPECT_TRUE(has_accuracy);
}

TEST_F(CliEndToEnd, AttackIsSeededAndWritesEveryAttempt) {
  const auto prefix = (workspace_->path() / "attack").string();
  const std::string arguments = "attack --model " + model_path() + " --data " + shared("sst2") +
                                " --split dev --max-examples 40 --seed 7 --json --out '" + prefix + "'";
  const auto first = blindspot(arguments);
  ASSERT_EQ(first.exit_code, 0) << first.errors;
  const auto report = nlohmann::json::parse(first.output);
  EXPECT_EQ(report["examples"], 40);
  EXPECT_EQ(report["attacked"].get<int>() + report["skipped"].get<int>(), 40);
  EXPECT_GT(report["succeeded"].get<int>(), 0);  // a bag-of-n-grams model falls to character edits
  const std::string jsonl = test::read_text(prefix + ".attacks.jsonl");
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 40);

  // Same seed, same attacks: the written file is byte-identical.
  ASSERT_EQ(blindspot(arguments).exit_code, 0);
  EXPECT_EQ(test::read_text(prefix + ".attacks.jsonl"), jsonl);
}

TEST_F(CliEndToEnd, EvalReportsTheAdversarialUuMetricOnASeededSample) {
  const auto result = blindspot("eval --json --adversarial-sample 60 --model " + model_path() + " --data " + shared("sst2"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto adversarial = nlohmann::json::parse(result.output)["adversarial"];
  EXPECT_EQ(adversarial["recipe"], "deepwordbug");
  EXPECT_EQ(adversarial["sampled"], 60);
  EXPECT_LE(adversarial["uus"].get<int>(), adversarial["attacked"].get<int>());
  EXPECT_DOUBLE_EQ(adversarial["rate"].get<double>(),
                   adversarial["uus"].get<double>() / adversarial["attacked"].get<double>());
}

TEST_F(CliEndToEnd, UnknownLabelIsBadInputNamingFileAndLine) {
  const auto file = workspace_->path() / "typo.csv";
  test::write_text(file, "text,label\ngreat film,positive\nawful,postive\n");
  const auto result = blindspot("scan --model " + model_path() + " --data '" + file.string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("typo.csv:3: "));
  EXPECT_THAT(result.errors, HasSubstr("unknown label \"postive\""));
  EXPECT_THAT(result.errors, HasSubstr("did you mean \"positive\""));
  // The failed run is recorded as failed, with its error.
  const auto runs = nlohmann::json::parse(blindspot("runs --json").output);
  EXPECT_EQ(runs[0]["status"], "failed");
  EXPECT_THAT(runs[0]["error"].get<std::string>(), HasSubstr("postive"));
}

TEST_F(CliEndToEnd, MissingModelAndBadUsageExitWithTwo) {
  EXPECT_EQ(blindspot("scan --model /nonexistent.bin --data " + shared("sst2")).exit_code, 2);
  EXPECT_EQ(blindspot("scan --data " + shared("sst2")).exit_code, 2);               // --model missing
  EXPECT_EQ(blindspot("scan --model x --data y --threshold 1.5").exit_code, 2);     // out of range
  EXPECT_EQ(blindspot("frobnicate").exit_code, 2);
  const auto help = blindspot("scan --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("--threshold"));
}

TEST_F(CliEndToEnd, OneLabelTrainingDataIsAnError) {
  const auto file = workspace_->path() / "one_label.csv";
  test::write_text(file, "text,label\ngood,positive\nfine,positive\n");
  const auto result = blindspot("train --data '" + file.string() + "' --model '" +
                                (workspace_->path() / "one.bin").string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("at least 2"));
  EXPECT_FALSE(std::filesystem::exists(workspace_->path() / "one.bin"));
}

TEST_F(CliEndToEnd, ShowUnknownRunIsBadInput) {
  const auto result = blindspot("show 999999");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("no run 999999"));
}

}  // namespace
