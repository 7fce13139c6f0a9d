// Every model-reading command with an adapter command as the model (--model cmd:...): results from
// the adapter's probabilities, the source recorded in the run store, the adapter's stderr in the
// run's log, and for a misbehaving adapter exit 1, a message naming the adapter and the problem,
// the run marked failed and no output file.
#include "blindspot/store/database.hpp"
#include "blindspot/store/runs.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace blindspot {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kTexts = {
    "a gripping and tender film",  "dull , lifeless and far too long", "the best thing i saw this year",
    "a waste of two good actors",  "warm , funny and wise",            "i wanted to leave after ten minutes",
    "an unexpected delight",       "flat jokes and a worse plot",      "beautifully shot and acted",
    "nothing here works",          "a small miracle of a movie",       "tedious from start to finish"};

// The fixture adapter's probability of "positive" (tests/fixtures/adapters/fixture_adapter.py).
double positive(const std::string& text) {
  int sum = 0;
  for (unsigned char c : text) sum += c;
  return (sum % 97 + 1) / 99.0;
}

class ModelSourceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = "text,label\n";
    for (std::size_t i = 0; i < kTexts.size(); ++i) csv += "\"" + kTexts[i] + "\"," + (i % 2 ? "negative" : "positive") + "\n";
    test::write_text(dir_ / "data" / "dev.csv", csv);
  }

  std::string adapter(const std::string& mode) const {
    return "'cmd:python3 " + test::fixture("adapters/fixture_adapter.py").string() + " " + mode + "'";
  }
  test::CommandResult blindspot(const std::string& arguments) const {
    return test::run_command("'" + test::blindspot_binary().string() + "' --workspace '" + workspace().string() +
                             "' " + arguments);
  }
  std::filesystem::path workspace() const { return dir_ / "ws"; }
  std::string data() const { return "--data '" + (dir_ / "data").string() + "'"; }

  store::RunRecord last_run() const {
    auto db = store::Database::open(workspace() / "blindspot.db");
    return store::list_runs(db, 1).at(0);
  }
  bool wrote_outputs() const {
    for (const char* folder : {"scans", "attacks", "evals"}) {
      if (std::filesystem::exists(workspace() / folder) && !std::filesystem::is_empty(workspace() / folder)) return true;
    }
    return false;
  }

  test::TempDir dir_;
};

TEST_F(ModelSourceCli, ScanFindsTheAdaptersConfidentErrorsAndRecordsItsSource) {
  const auto result = blindspot("--json scan --model " + adapter("good") + " " + data() + " --threshold 0.6");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  int expected = 0;
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    const double p = positive(kTexts[i]);
    const bool predicted_positive = p > 1 - p;
    const bool truly_positive = i % 2 == 0;
    if (predicted_positive != truly_positive && std::max(p, 1 - p) >= 0.6) ++expected;
  }
  EXPECT_EQ(nlohmann::json::parse(result.output)["uus"], expected);

  const auto run = last_run();
  auto db = store::Database::open(workspace() / "blindspot.db");
  bool recorded = false;
  for (const auto& artifact : store::list_artifacts(db, run.id)) {
    if (artifact.kind != "model") continue;
    recorded = true;
    EXPECT_THAT(artifact.path, HasSubstr("cmd:python3 "));
    const auto details = nlohmann::json::parse(artifact.details_json);
    EXPECT_EQ(details["name"], "fixture");
    EXPECT_EQ(details["version"], "1.0");
    EXPECT_EQ(details["labels"], nlohmann::json::array({"negative", "positive"}));
  }
  EXPECT_TRUE(recorded);
  const auto log = workspace() / "logs" / ("run-" + std::to_string(run.id) + "-model.log");
  ASSERT_TRUE(std::filesystem::exists(log));
  EXPECT_THAT(test::read_text(log), HasSubstr("fixture adapter good starting"));
}

TEST_F(ModelSourceCli, AttackAndEvalRunThroughTheAdapter) {
  const auto attack = blindspot("--json attack --model " + adapter("good") + " " + data() + " --max-examples 6");
  ASSERT_EQ(attack.exit_code, 0) << attack.errors;
  EXPECT_EQ(nlohmann::json::parse(attack.output)["examples"], 6);
  const auto eval = blindspot("--json eval --model " + adapter("good") + " " + data() + " --split dev");
  ASSERT_EQ(eval.exit_code, 0) << eval.errors;
  const auto metrics = nlohmann::json::parse(eval.output);
  EXPECT_EQ(metrics["examples"], 12);
  int correct = 0;
  for (std::size_t i = 0; i < kTexts.size(); ++i) correct += (positive(kTexts[i]) > 0.5) == (i % 2 == 0) ? 1 : 0;
  EXPECT_DOUBLE_EQ(metrics["accuracy"].get<double>(), correct / 12.0);
  // The adversarial UU metric attacks through the adapter too.
  EXPECT_TRUE(metrics.contains("adversarial"));
}

struct BadAdapter {
  std::string mode;
  std::string flags;
  std::string says;
};

class BadAdapterCli : public ModelSourceCli, public ::testing::WithParamInterface<BadAdapter> {};

TEST_P(BadAdapterCli, FailsTheRunWithExit1NamingTheAdapterAndWritesNothing) {
  const BadAdapter& bad = GetParam();
  const auto result = blindspot("scan --model " + adapter(bad.mode) + " " + bad.flags + " " + data());
  EXPECT_EQ(result.exit_code, 1) << result.errors;
  EXPECT_THAT(result.errors, HasSubstr("adapter cmd:python3 "));
  EXPECT_THAT(result.errors, HasSubstr(bad.says));
  EXPECT_EQ(last_run().status, "failed");
  EXPECT_FALSE(wrote_outputs());
}

INSTANTIATE_TEST_SUITE_P(
    Modes, BadAdapterCli,
    ::testing::Values(BadAdapter{"exit_at_start", "", "FileNotFoundError: model.pkl"},
                      BadAdapter{"exit_after", "", "out of memory"},
                      BadAdapter{"hang", "--model-timeout 0.5", "--model-timeout"},
                      BadAdapter{"not_json", "", "not JSON"},
                      BadAdapter{"version_2", "", "version 2"},
                      BadAdapter{"nan", "", "NaN and Infinity are not JSON numbers"},
                      BadAdapter{"wrong_length", "", "3 probabilities"},
                      BadAdapter{"error_reply", "", "CUDA out of memory"}),
    [](const auto& test_info) { return test_info.param.mode; });

TEST_F(ModelSourceCli, LabelsTheAdapterDoesNotKnowAreItsFault) {
  std::string csv = "text,label\n\"fine\",good\n\"awful\",bad\n";
  test::write_text(dir_ / "other.csv", csv);
  const auto result = blindspot("scan --model " + adapter("good") + " --data '" + (dir_ / "other.csv").string() + "'");
  EXPECT_EQ(result.exit_code, 1) << result.errors;
  EXPECT_THAT(result.errors, HasSubstr("its labels (negative, positive) do not include the data's bad, good"));
  EXPECT_EQ(last_run().status, "failed");
}

TEST_F(ModelSourceCli, AModelThatCannotBeReachedIsAClearError) {
  const auto missing = blindspot("scan --model 'cmd:no-such-adapter-command --serve' " + data());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.errors, HasSubstr("adapter cmd:no-such-adapter-command"));
  const auto server = blindspot("scan --model http://127.0.0.1:9/v2/models/m --model-start-timeout 0.5 " + data());
  EXPECT_EQ(server.exit_code, 1);
  EXPECT_THAT(server.errors, HasSubstr("127.0.0.1:9"));
  const auto file = blindspot("scan --model my_bert.pt " + data());
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_THAT(file.errors, HasSubstr("cmd:COMMAND"));
}

}  // namespace
}  // namespace blindspot
