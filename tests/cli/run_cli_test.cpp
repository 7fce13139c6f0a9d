// `blindspot run` end to end on sst2 with the automatic teacher: the before/after report, and a
// process killed at a random point that, rerun, finishes with the results of an uninterrupted run.

#include "blindspot/store/database.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <thread>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

class RunCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = std::make_unique<test::TempDir>(); }
  std::string path(const std::string& name) const { return "'" + (dir_->path() / name).string() + "'"; }
  std::string command(const std::string& workspace, const std::string& extra = "") const {
    return "'" + test::blindspot_binary().string() + "' --workspace " + path(workspace) + " run --data '" +
           test::shared_data("sst2").string() + "' --dev-attack-rows 120 --max-uus 8 --test-attack-rows 60 " + extra;
  }
  std::unique_ptr<test::TempDir> dir_;
};

TEST_F(RunCli, ReportsBeforeAndAfterAndResumesAfterAKill) {
  auto whole = test::run_command(command("whole", "--json"));
  ASSERT_EQ(whole.exit_code, 0) << whole.errors;
  const auto reference = nlohmann::json::parse(whole.output);
  EXPECT_EQ(reference["complete"], true);
  EXPECT_EQ(reference["teacher"], "auto");
  EXPECT_EQ(reference["steps"].size(), 8u);
  EXPECT_GT(reference["dev_uus"].get<int>(), 10);
  EXPECT_GT(reference["samples_added"].get<int>(), 0);
  EXPECT_GT(reference["before"]["accuracy"].get<double>(), 0.75);
  EXPECT_TRUE(reference["after"].contains("adversarial_uus"));
  const std::string folder = reference["folder"];

  // The same loop in another workspace, killed part-way, then run again to the end.
  const auto pid_file = dir_->path() / "pid";
  std::system(
      ("(" + command("killed", "--quiet") + " >/dev/null 2>&1 & echo $! > '" + pid_file.string() + "')").c_str());
  // Killed as soon as its first step is recorded, so the kill lands part-way through the loop.
  const auto store_file = dir_->path() / "killed" / "blindspot.db";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::int64_t steps_done = 0;
  while (steps_done == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!std::filesystem::exists(store_file)) continue;
    auto db = store::Database::open(store_file);
    auto count = db.prepare("SELECT count(*) FROM loop_steps");
    count.step();
    steps_done = count.column_int64(0);
  }
  ASSERT_GT(steps_done, 0);
  kill(std::stoi(test::read_text(pid_file)), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto resumed = test::run_command(command("killed", "--json"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.errors;
  const auto report = nlohmann::json::parse(resumed.output);
  // The resumed run skipped what the killed one finished and did the rest.
  int reused = 0;
  for (const auto& step : report["steps"]) reused += step["reused"].get<bool>() ? 1 : 0;
  EXPECT_GE(reused, 1);
  EXPECT_LT(reused, 8);
  EXPECT_EQ(report["loop"], reference["loop"]);
  EXPECT_EQ(report["before"], reference["before"]);
  EXPECT_EQ(report["after"], reference["after"]);
  EXPECT_EQ(report["dev_uus_fixed"], reference["dev_uus_fixed"]);
  const std::string resumed_folder = report["folder"];
  EXPECT_EQ(test::read_text(std::filesystem::path(resumed_folder) / "retrained.bin"),
            test::read_text(std::filesystem::path(folder) / "retrained.bin"));

  // A third run redoes nothing.
  const auto again = test::run_command(command("killed", "--json"));
  ASSERT_EQ(again.exit_code, 0) << again.errors;
  for (const auto& step : nlohmann::json::parse(again.output)["steps"]) EXPECT_EQ(step["reused"], true);

  // The text report's headline applies the effect rule to the confident errors an attacker can reach.
  const auto text = test::run_command(command("killed"));
  ASSERT_EQ(text.exit_code, 0) << text.errors;
  EXPECT_THAT(text.output, testing::ContainsRegex("(blind spots reduced|no measurable reduction): confident errors "
                                                  "an attacker can reach on test [0-9]+ -> [0-9]+"));
  EXPECT_THAT(text.output, HasSubstr(" held-out dev UUs fixed ("));
  EXPECT_THAT(text.output, HasSubstr("(auto teacher, a no-LLM baseline)"));
}

TEST_F(RunCli, StopAfterEndsEarlyAndAnUnknownStepIsUsage) {
  auto partial = test::run_command(command("w", "--stop-after group --json"));
  ASSERT_EQ(partial.exit_code, 0) << partial.errors;
  const auto report = nlohmann::json::parse(partial.output);
  EXPECT_EQ(report["complete"], false);
  EXPECT_EQ(report["steps"].size(), 4u);
  const auto bad = test::run_command(command("w", "--stop-after grouping"));
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(RunCli, TheBudgetIsAShareOfTrainUnlessGiven) {
  // sst2's train split has 6,920 rows: a share of 0.002 is 14 samples; --sample-budget wins.
  const auto shared = test::run_command(command("w", "--stop-after augment --budget-share 0.002 --json"));
  ASSERT_EQ(shared.exit_code, 0) << shared.errors;
  EXPECT_EQ(nlohmann::json::parse(shared.output)["samples_added"], 14);
  const auto given = test::run_command(command("w", "--stop-after augment --budget-share 0.002 --sample-budget 5 --json"));
  ASSERT_EQ(given.exit_code, 0) << given.errors;
  EXPECT_EQ(nlohmann::json::parse(given.output)["samples_added"], 5);
}

}  // namespace

// `blindspot run` with a model trained by a command and served by an adapter, end to end on sst2:
// the test fixtures' naive Bayes (tests/fixtures/train_commands/), and the scikit-learn adapter of
// examples/adapters/ when scikit-learn is installed.

namespace {

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

class RunExternalModel : public ::testing::Test {
 protected:
  std::string run(const std::string& model_options, const std::string& extra = "") const {
    return quoted(test::blindspot_binary()) + " --workspace " + quoted(dir_ / "ws") + " run --data " +
           quoted(test::shared_data("sst2")) + " --dev-attack-rows 30 --max-uus 6 --test-attack-rows 30 " +
           model_options + " " + extra;
  }
  // --model and --train-command of the fixtures; `train_flags` go to train.py.
  static std::string fixture_model(const std::string& train_flags = "") {
    const std::string folder = test::fixture("train_commands").string();
    return "--model \"cmd:python3 '" + folder + "/serve.py' {model}\" --train-command \"python3 '" + folder +
           "/train.py' --train {train} --out {model} --seed {seed}" + train_flags + "\"";
  }
  nlohmann::json last_run() const {
    const auto runs = test::run_command(quoted(test::blindspot_binary()) + " --workspace " + quoted(dir_ / "ws") +
                                        " --json runs --limit 1");
    return nlohmann::json::parse(runs.output);
  }
  test::TempDir dir_;
};

TEST_F(RunExternalModel, TrainsBothModelsWithTheCommandAndReportsBeforeAndAfter) {
  const auto result = test::run_command(run(fixture_model(), "--json --seed 3"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["complete"], true);
  EXPECT_EQ(json["steps"].size(), 8u);
  EXPECT_GT(json["dev_uus"].get<int>(), 0);
  EXPECT_GT(json["before"]["accuracy"].get<double>(), 0.6);
  EXPECT_TRUE(json["after"].contains("adversarial_uus"));
  const std::filesystem::path folder = json["folder"].get<std::string>();
  EXPECT_TRUE(std::filesystem::exists(folder / "retrained.model"));
  EXPECT_THAT(test::read_text(dir_ / "ws" / "logs" / ("run-" + json["run"].dump() + "-train.log")),
              HasSubstr("seed 3"));

  // The text output, resumed: every step reused.
  const auto again = test::run_command(run(fixture_model(), "--seed 3"));
  ASSERT_EQ(again.exit_code, 0) << again.errors;
  EXPECT_THAT(again.output, HasSubstr("test metric"));
  EXPECT_THAT(again.errors, HasSubstr("step retrain         already done (skipped)"));
}

TEST_F(RunExternalModel, AFailingTrainCommandFailsTheRunWithItsStatusAndStderr) {
  const auto result = test::run_command(run(fixture_model(" --fail-if-augmented")));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.errors, HasSubstr("exited with status 3"));
  EXPECT_THAT(result.errors, HasSubstr("| train.py: refusing to train on an augmented file"));
  EXPECT_THAT(result.errors, ::testing::Not(HasSubstr("step evaluate")));
  const auto runs = last_run();
  ASSERT_FALSE(runs.empty());
  EXPECT_THAT(runs.dump(), HasSubstr("failed"));
}

TEST_F(RunExternalModel, AServedModelWithoutATrainCommandStopsAfterAugment) {
  const auto served = dir_ / "served.json";
  const std::string folder = test::fixture("train_commands").string();
  ASSERT_EQ(test::run_command("python3 '" + folder + "/train.py' --train " +
                              quoted(test::shared_data("sst2") / "train.csv") + " --out " + quoted(served))
                .exit_code,
            0);
  const std::string model = "--model \"cmd:python3 '" + folder + "/serve.py' '" + served.string() + "'\"";
  const auto text = test::run_command(run(model));
  ASSERT_EQ(text.exit_code, 0) << text.errors;
  EXPECT_THAT(text.output, HasSubstr("stopped after augment: the model is served by adapter command"));
  EXPECT_THAT(text.output, HasSubstr("train.augmented.csv"));
  const auto json = nlohmann::json::parse(test::run_command(run(model, "--json")).output);
  EXPECT_EQ(json["complete"], false);
  EXPECT_THAT(json["stopped"].get<std::string>(), HasSubstr("blindspot eval --model"));
  EXPECT_TRUE(std::filesystem::exists(json["retrain_with"].get<std::string>()));
}

// The issue's example: scikit-learn trained and served by examples/adapters/sklearn_adapter.py.
TEST_F(RunExternalModel, ScikitLearnAdapterOnSst2) {
  const auto adapter = std::filesystem::path(BLINDSPOT_FIXTURES_DIR) / "../../examples/adapters/sklearn_adapter.py";
  if (!std::filesystem::exists(adapter)) GTEST_SKIP() << "no " << adapter.string() << " yet";
  // Debian's python3-sklearn is in the system interpreter, which a python3 earlier on PATH may hide.
  std::string python;
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    if (python.empty() && test::run_command(std::string(candidate) + " -c 'import sklearn'").exit_code == 0) {
      python = candidate;
    }
  }
  if (python.empty()) GTEST_SKIP() << "scikit-learn not installed";
  const std::string a = std::filesystem::weakly_canonical(adapter).string();
  const std::string model = "--model \"cmd:" + python + " '" + a + "' serve {model}\" --train-command \"" + python +
                            " '" + a + "' train --train {train} --out {model} --seed {seed}\"";
  const auto result = test::run_command(run(model, "--json --teacher auto"));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  const auto json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["complete"], true);
  EXPECT_GT(json["dev_uus"].get<int>(), 0);
  EXPECT_GT(json["before"]["accuracy"].get<double>(), 0.6);
  EXPECT_GT(json["after"]["accuracy"].get<double>(), 0.6);
}

}  // namespace

namespace {

// The label-issue flags of `run` that cannot work are usage errors before any step runs.
TEST_F(RunCli, LabelIssueFlagsThatCannotWorkAreUsage) {
  const auto alone = test::run_command(command("w", "--teach-label-issues"));
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_THAT(alone.errors, HasSubstr("--label-issues"));
  const auto one_fold = test::run_command(command("w", "--label-issues --label-folds 1"));
  EXPECT_EQ(one_fold.exit_code, 2);
  EXPECT_THAT(one_fold.errors, HasSubstr("--label-folds"));
  const auto served = test::run_command(command("w", "--label-issues --model http://localhost:1/v2/models/m"));
  EXPECT_EQ(served.exit_code, 2);
  EXPECT_THAT(served.errors, HasSubstr("--label-issues retrains"));
}

}  // namespace
