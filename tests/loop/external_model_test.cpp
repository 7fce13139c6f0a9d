// The loop with a model it does not train itself: a train command (tests/fixtures/train_commands/
// train.py, naive Bayes) makes the baseline and the retrained model, an adapter (serve.py) serves
// them. On a small generated dataset, so the suite stays fast.

#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "small_dataset.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <fstream>

namespace blindspot::loop {
namespace {

using ::testing::HasSubstr;

// The small generated dataset of small_dataset.hpp.
void write_split(const std::filesystem::path& file, int rows, int flip_every, int offset) {
  test::write_small_split(file, rows, flip_every, offset);
}

std::string fixture_command(const char* script) {
  return "python3 '" + test::fixture("train_commands").string() + "/" + script + "'";
}

std::string train_command(const std::string& extra = "") {
  return fixture_command("train.py") + " --train {train} --out {model} --seed {seed}" + extra;
}

class ExternalModelLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "data");
    write_split(dir_ / "data/train.csv", 240, 23, 0);
    write_split(dir_ / "data/dev.csv", 80, 5, 1000);
    write_split(dir_ / "data/test.csv", 80, 7, 2000);
    db_ = std::make_unique<store::Database>(store::Database::open(dir_ / "blindspot.db"));
  }

  LoopOptions options(const std::string& command = train_command()) const {
    LoopOptions o;
    o.data = dir_ / "data";
    o.dev_attack_rows = 8;
    o.test_attack_rows = 8;
    o.max_uus = 4;
    o.seed = 5;
    o.threads = 2;
    o.external.spec = "cmd:" + fixture_command("serve.py") + " {model}";
    o.external.train_command = command;
    o.external.train_log = dir_ / "train.log";
    return o;
  }

  LoopResult run(const LoopOptions& o, const std::string& stop_after = "") {
    const auto teacher = [](const TeacherInputs& inputs) -> std::unique_ptr<teach::Teacher> {
      teach::AutoTeacherOptions auto_options;
      auto_options.seed = 5;
      return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, auto_options);
    };
    return run_loop(o, {dir_ / "loops", *db_, store::begin_run(*db_, "run", "{}", "{}"), teacher},
                    {.stop_after = stop_after});
  }

  // The outputs a step recorded (null when it has no record).
  nlohmann::json recorded(const std::string& step) {
    auto query = db_->prepare("SELECT outputs FROM loop_steps WHERE step = ? ORDER BY finished_at DESC, rowid DESC");
    query.bind(1, step);
    if (!query.step()) return nullptr;
    return nlohmann::json::parse(query.column_text(0));
  }

  test::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(ExternalModelLoop, TheTrainCommandMakesBothModelsWithTheSeedAndARerunReusesThem) {
  const LoopResult result = run(options());
  ASSERT_TRUE(result.complete) << result.stopped_because;
  ASSERT_EQ(result.steps.size(), step_names().size());
  for (const auto& step : result.steps) EXPECT_FALSE(step.reused) << step.step;
  EXPECT_GT(result.dev_uus, 0);
  EXPECT_GT(result.samples_added, 0);
  EXPECT_GT(result.before.accuracy, 0.6);
  EXPECT_GT(result.after.accuracy, 0.6);
  EXPECT_TRUE(std::filesystem::exists(result.folder.parent_path() / "baseline.model"));
  EXPECT_TRUE(std::filesystem::exists(result.folder / "retrained.model"));
  EXPECT_FALSE(std::filesystem::exists(result.folder / "retrained.bin"));
  // The seed reached the command, and the retrained model read the augmented train.
  const std::string baseline_command = recorded("train_baseline").at("command");
  const std::string retrain_command = recorded("retrain").at("command");
  EXPECT_THAT(baseline_command, HasSubstr("--seed 5"));
  EXPECT_THAT(baseline_command, HasSubstr("/data/train.csv'"));
  EXPECT_THAT(retrain_command, HasSubstr("train.augmented.csv'"));
  EXPECT_EQ(nlohmann::json::parse(test::read_text(result.folder / "retrained.model")).at("seed"), 5);
  // Its stdout and stderr are in the log.
  EXPECT_THAT(test::read_text(dir_ / "train.log"), HasSubstr("train.py: 240 rows, 2 labels, seed 5"));
  EXPECT_THAT(test::read_text(dir_ / "train.log"), HasSubstr("trained"));

  const LoopResult again = run(options());
  ASSERT_TRUE(again.complete);
  for (const auto& step : again.steps) EXPECT_TRUE(step.reused) << step.step;
  EXPECT_EQ(again.after.accuracy, result.after.accuracy);

  // A damaged model is trained again, and the steps that used it run again.
  test::write_text(result.folder.parent_path() / "baseline.model", "{}");
  const LoopResult repaired = run(options(), "scan_dev");
  ASSERT_EQ(repaired.steps.size(), 2u);
  EXPECT_FALSE(repaired.steps[0].reused);
  EXPECT_TRUE(repaired.steps[1].reused);  // the same command made the same model again

  // Another seed: another command, another model, another loop.
  LoopOptions other_seed = options();
  other_seed.seed = 6;
  EXPECT_NE(baseline_key(other_seed), baseline_key(options()));
  const LoopResult seeded = run(other_seed, "train_baseline");
  EXPECT_FALSE(seeded.steps[0].reused);
  EXPECT_THAT(recorded("train_baseline").at("command").get<std::string>(), HasSubstr("--seed 6"));
}

TEST_F(ExternalModelLoop, TheCommandAndTheModelSpecArePartOfTheKeys) {
  const LoopOptions o = options();
  LoopOptions other = o;
  other.external.train_command = train_command(" --unused-flag");
  EXPECT_NE(baseline_key(other), baseline_key(o));
  EXPECT_NE(loop_key(other), loop_key(o));
  other = o;
  other.external.spec += " --verbose";
  EXPECT_NE(baseline_key(other), baseline_key(o));
  // How blindspot talks to the model and where commands log do not change results.
  other = o;
  other.external.remote.batch_size = 3;
  other.external.train_log = dir_ / "elsewhere.log";
  EXPECT_EQ(loop_key(other), loop_key(o));
  // Without an external model the key is fastText's, as it always was.
  LoopOptions fasttext = o;
  fasttext.external = {};
  EXPECT_NE(loop_key(fasttext), loop_key(o));
}

TEST_F(ExternalModelLoop, AFailingTrainCommandFailsItsStepWithItsStatusAndStderrAndNothingAfterItRuns) {
  const core::Error error = test::expect_error([&] { run(options(train_command(" --fail-if-augmented"))); });
  EXPECT_EQ(error.kind(), core::ErrorKind::remote);
  EXPECT_THAT(error.what(), HasSubstr("train command failed: `python3"));
  EXPECT_THAT(error.what(), HasSubstr("exited with status 3"));
  EXPECT_THAT(error.what(), HasSubstr("  | train.py: refusing to train on an augmented file (test failure)"));
  EXPECT_FALSE(recorded("augment").is_null());
  EXPECT_TRUE(recorded("retrain").is_null());
  EXPECT_TRUE(recorded("evaluate").is_null());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "loops")) {
    EXPECT_NE(entry.path().filename(), "retrained.model") << entry.path();
    EXPECT_NE(entry.path().filename(), "metrics.json") << entry.path();
  }
}

TEST_F(ExternalModelLoop, AGivenBaselineModelIsNotTrained) {
  const auto baseline = dir_ / "my-baseline.json";
  const auto trained =
      test::run_command(fixture_command("train.py") + " --train '" + (dir_ / "data/train.csv").string() + "' --out '" +
                        baseline.string() + "' --seed 9");
  ASSERT_EQ(trained.exit_code, 0) << trained.errors;
  LoopOptions o = options();
  o.baseline_model = baseline;
  const LoopResult result = run(o);
  ASSERT_TRUE(result.complete);
  EXPECT_EQ(recorded("train_baseline").at("given"), true);
  EXPECT_FALSE(std::filesystem::exists(result.folder.parent_path() / "baseline.model"));
  EXPECT_THAT(test::read_text(dir_ / "train.log"), ::testing::Not(HasSubstr("/data/train.csv'")));
  EXPECT_TRUE(std::filesystem::exists(result.folder / "retrained.model"));
  // Its content is part of the key.
  const std::string key = baseline_key(o);
  test::write_text(baseline, test::read_text(baseline) + " ");
  EXPECT_NE(baseline_key(o), key);
}

TEST_F(ExternalModelLoop, AServedModelWithoutATrainCommandStopsAfterAugmentWithTheFileToRetrainWith) {
  const auto served = dir_ / "served.json";
  ASSERT_EQ(test::run_command(fixture_command("train.py") + " --train '" + (dir_ / "data/train.csv").string() +
                              "' --out '" + served.string() + "'")
                .exit_code,
            0);
  LoopOptions o = options("");
  o.external.spec = "cmd:" + fixture_command("serve.py") + " '" + served.string() + "'";
  const LoopResult result = run(o);
  EXPECT_FALSE(result.complete);
  ASSERT_FALSE(result.steps.empty());
  EXPECT_EQ(result.steps.front().step, "scan_dev");  // nothing to train
  EXPECT_EQ(result.steps.back().step, "augment");
  EXPECT_THAT(result.stopped_because, HasSubstr("stopped after augment: the model is served by adapter command"));
  EXPECT_THAT(result.stopped_because, HasSubstr("blindspot eval --model NEW_MODEL"));
  EXPECT_EQ(result.retrain_with, result.folder / "train.augmented.csv");
  EXPECT_THAT(result.stopped_because, HasSubstr(result.retrain_with.string()));
  EXPECT_GT(test::count_lines(result.retrain_with), 240u);
}

TEST_F(ExternalModelLoop, OptionsThatCannotWorkAreUsageErrorsNamingTheOption) {
  const auto usage = [&](const LoopOptions& o, const std::string& expected) {
    const core::Error error = test::expect_error([&] { check_external_model(o); });
    EXPECT_EQ(error.kind(), core::ErrorKind::usage) << error.what();
    EXPECT_THAT(error.what(), HasSubstr(expected));
  };
  LoopOptions o = options();
  o.external.spec.clear();
  usage(o, "--train-command needs --model");
  o = options(fixture_command("train.py") + " --train {train}");
  usage(o, "has no {model}");
  o = options();
  o.external.spec = "cmd:" + fixture_command("serve.py") + " fixed.json";
  usage(o, "has no {model}: with --train-command");
  o = options();
  o.external.spec = "model.bin";
  usage(o, "the loop trains fastText models itself");
  o = options("");
  o.external.spec = "cmd:" + fixture_command("serve.py") + " fixed.json";
  o.rounds = 2;
  usage(o, "--rounds needs a model blindspot can retrain");
  o = options("");
  usage(o, "opens {model}: give the model file as --baseline-model");
  EXPECT_NO_THROW(check_external_model(options()));
}

}  // namespace
}  // namespace blindspot::loop
