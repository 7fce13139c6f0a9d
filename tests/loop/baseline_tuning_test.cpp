// The loop's baseline check and tuning (docs/baseline.md) on a few hundred sst2 rows with settings
// that underfit them (1 epoch at a tiny learning rate): when_short tunes and the tuned model passes
// the check, off keeps the underfit model and says so, and a resumed loop retrains with the tuned
// settings.

#include "blindspot/loop/mitigation_loop.hpp"
#include "blindspot/model/fasttext_classifier.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/auto_teacher.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace blindspot::loop {
namespace {

using ::testing::HasSubstr;

// The header and the first `rows` rows of a shared split (sst2 has one row per line).
void copy_rows(const std::filesystem::path& from, const std::filesystem::path& to, int rows) {
  std::ifstream in(from);
  std::ofstream out(to);
  std::string line;
  for (int i = 0; i <= rows && std::getline(in, line); ++i) out << line << '\n';
}

class BaselineTuningLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "data");
    copy_rows(test::shared_data("sst2") / "train.csv", dir_ / "data/train.csv", 600);
    copy_rows(test::shared_data("sst2") / "dev.csv", dir_ / "data/dev.csv", 300);
    copy_rows(test::shared_data("sst2") / "test.csv", dir_ / "data/test.csv", 300);
    db_ = std::make_unique<store::Database>(store::Database::open(dir_ / "blindspot.db"));
  }

  LoopOptions underfit(BaselineTuning::Mode mode) const {
    LoopOptions o;
    o.data = dir_ / "data";
    o.model.epochs = 1;
    o.model.learning_rate = 0.01;
    o.model.buckets = 20000;
    o.tuning.mode = mode;
    o.dev_attack_rows = 6;
    o.test_attack_rows = 6;
    o.max_uus = 3;
    o.seed = 3;
    o.threads = 2;
    return o;
  }

  LoopResult run(const LoopOptions& o, const std::string& stop_after) {
    const auto teacher = [](const TeacherInputs& inputs) -> std::unique_ptr<teach::Teacher> {
      teach::AutoTeacherOptions auto_options;
      auto_options.seed = 3;
      return std::make_unique<teach::AutoTeacher>(inputs.train, inputs.baseline, inputs.uus, auto_options);
    };
    return run_loop(o, {dir_ / "loops", *db_, store::begin_run(*db_, "run", "{}", "{}"), teacher},
                    {.stop_after = stop_after});
  }

  nlohmann::json recorded(const std::string& step) {
    auto query = db_->prepare("SELECT outputs FROM loop_steps WHERE step = ? ORDER BY finished_at DESC, rowid DESC");
    query.bind(1, step);
    if (!query.step()) return nullptr;
    return nlohmann::json::parse(query.column_text(0));
  }

  test::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(BaselineTuningLoop, OffKeepsTheUnderfitModelAndTheCheckSaysSo) {
  const LoopResult result = run(underfit(BaselineTuning::Mode::off), "train_baseline");
  EXPECT_EQ(result.baseline_settings, "the given settings");
  ASSERT_TRUE(result.baseline_check.train_accuracy.has_value());
  EXPECT_LT(*result.baseline_check.train_accuracy, 0.9);
  EXPECT_TRUE(result.baseline_check.falls_short());
  EXPECT_THAT(result.baseline_check.warnings.back(), HasSubstr("underfits its own training data"));
  EXPECT_EQ(recorded("train_baseline").at("settings").at("epochs"), 1);
  EXPECT_FALSE(recorded("train_baseline").contains("tuning"));
}

// One tuning (the slow part) for both: the tuned baseline, then the loop resumed to retrain.
TEST_F(BaselineTuningLoop, WhenShortTunesOnDevTheTunedModelPassesTheCheckAndAResumedLoopRetrainsWithIt) {
  const LoopOptions o = underfit(BaselineTuning::Mode::when_short);
  const LoopResult result = run(o, "train_baseline");
  EXPECT_THAT(result.baseline_settings, HasSubstr("the given settings fell short on dev"));
  EXPECT_THAT(result.baseline_settings, HasSubstr("tuned on dev: lr "));
  EXPECT_FALSE(result.baseline_check.falls_short()) << ::testing::PrintToString(result.baseline_check.warnings);
  const nlohmann::json record = recorded("train_baseline");
  EXPECT_FALSE(record.at("dev_check").at("warnings").empty());
  EXPECT_GT(record.at("tuning").at("dev_macro_f1").get<double>(),
            record.at("tuning").at("given_dev_macro_f1").get<double>());
  const nlohmann::json settings = record.at("settings");
  EXPECT_GT(settings.at("epochs").get<int>(), 1);
  // The baseline file is the tuned model.
  model::FastTextClassifier baseline;
  baseline.load(result.folder.parent_path() / "baseline.bin");
  EXPECT_EQ(baseline.options().epochs, settings.at("epochs").get<int>());

  // Resumed by another call: the baseline is not trained or checked again, and the retrained
  // model has the tuned settings, not the given ones.
  const LoopResult resumed = run(o, "retrain");
  ASSERT_FALSE(resumed.steps.empty());
  EXPECT_EQ(resumed.steps.front().step, "train_baseline");
  EXPECT_TRUE(resumed.steps.front().reused);
  EXPECT_EQ(resumed.baseline_settings, result.baseline_settings);
  EXPECT_EQ(resumed.baseline_check.accuracy, result.baseline_check.accuracy);
  EXPECT_EQ(resumed.baseline_check.warnings, result.baseline_check.warnings);
  model::FastTextClassifier retrained;
  retrained.load(resumed.folder / "retrained.bin");
  EXPECT_EQ(retrained.options().epochs, settings.at("epochs").get<int>());
  EXPECT_EQ(retrained.options().word_ngrams, settings.at("word_ngrams").get<int>());
}

TEST_F(BaselineTuningLoop, TheTuningModeAndBudgetArePartOfTheBaselineKey) {
  const LoopOptions o = underfit(BaselineTuning::Mode::when_short);
  LoopOptions other = o;
  other.tuning.mode = BaselineTuning::Mode::always;
  EXPECT_NE(baseline_key(other), baseline_key(o));
  other = o;
  other.tuning.seconds = 30;
  EXPECT_NE(baseline_key(other), baseline_key(o));
}

std::string fixture_command(const char* script) {
  return "python3 '" + test::fixture("train_commands").string() + "/" + script + "'";
}

// Models blindspot does not train are checked too (not tuned): one trained by a command, and one
// served without a train command, whose check is recorded on its own and read back on resumption.
TEST_F(BaselineTuningLoop, CommandAndServedBaselinesAreCheckedAndTheirChecksRecorded) {
  LoopOptions o = underfit(BaselineTuning::Mode::always);
  o.external.spec = "cmd:" + fixture_command("serve.py") + " {model}";
  o.external.train_command = fixture_command("train.py") + " --train {train} --out {model} --seed {seed}";
  const LoopResult trained = run(o, "train_baseline");
  EXPECT_EQ(trained.baseline_settings, "trained by the train command");
  ASSERT_EQ(trained.baseline_check.recall.size(), 2U);
  EXPECT_TRUE(trained.baseline_check.train_accuracy.has_value());
  EXPECT_FALSE(recorded("train_baseline").contains("tuning"));
  EXPECT_EQ(recorded("train_baseline").at("baseline_check").at("accuracy").get<double>(),
            trained.baseline_check.accuracy);

  const auto served_file = dir_ / "served.json";
  ASSERT_EQ(test::run_command(fixture_command("train.py") + " --train '" + (dir_ / "data/train.csv").string() +
                              "' --out '" + served_file.string() + "'")
                .exit_code,
            0);
  LoopOptions served = underfit(BaselineTuning::Mode::when_short);
  served.external.spec = "cmd:" + fixture_command("serve.py") + " '" + served_file.string() + "'";
  const LoopResult first = run(served, "scan_dev");
  EXPECT_EQ(first.steps.front().step, "scan_dev");  // no train step
  EXPECT_EQ(first.baseline_settings, "the served model");
  ASSERT_EQ(first.baseline_check.recall.size(), 2U);
  const nlohmann::json record = recorded("baseline_check");
  ASSERT_FALSE(record.is_null());
  const LoopResult resumed = run(served, "scan_dev");
  EXPECT_EQ(resumed.baseline_check.warnings, first.baseline_check.warnings);
  EXPECT_EQ(resumed.baseline_check.accuracy, first.baseline_check.accuracy);
  auto count = db_->prepare("SELECT count(*) FROM loop_steps WHERE step = 'baseline_check'");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), 1);  // checked once, read back on resumption
}

}  // namespace
}  // namespace blindspot::loop
