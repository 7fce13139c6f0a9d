// Issue 13, finding 6 and the TOML line of finding 7: every number from a flag, the environment or
// the config file is checked for range and finiteness, and the config file's errors name its line.
// Almost every case fails while the command line or the config file is read, before any model or
// data is opened, so these run the real executable without training (one test trains on 4 rows).

#include "blindspot/store/database.hpp"
#include "blindspot/store/runs.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using namespace blindspot;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

class ValueChecks : public ::testing::Test {
 protected:
  // Runs blindspot in the test's folder with no config file but the ones the test writes.
  test::CommandResult run(const std::string& arguments, const std::string& environment = "") const {
    return test::run_command("cd '" + dir_.path().string() + "' && env -u BLINDSPOT_CONFIG " + environment + " '" +
                             test::blindspot_binary().string() + "' --workspace ws " + arguments);
  }
  // A command line that gets as far as its options: the model and data need not exist.
  static std::string scan() { return "scan --model m.bin --data d.csv"; }
  test::TempDir dir_;
};

struct Refusal {
  std::string arguments;
  std::string message;
};

void expect_refused(const test::CommandResult& result, const std::string& message) {
  EXPECT_EQ(result.exit_code, 2) << result.errors;
  EXPECT_THAT(result.errors, HasSubstr(message));
}

TEST_F(ValueChecks, NonFiniteNumbersAreRefusedNamingTheFlag) {
  const std::vector<Refusal> refusals = {
      {scan() + " --threshold nan", "--threshold: nan is not a finite number"},
      {scan() + " --threshold NaN", "--threshold: NaN is not a finite number"},
      {"attack --model m.bin --data d.csv --threshold -nan", "--threshold: -nan is not a finite number"},
      {"train --data d.csv --model m.bin --lr nan", "--lr: nan is not a finite number"},
      {"train --data d.csv --model m.bin --tune --tuning-seconds nan", "--tuning-seconds: nan is not a finite"},
      {"teach --uus u.jsonl --model m.bin --data d.csv --near-duplicate nan", "--near-duplicate: nan is not"},
      {"teach --uus u.jsonl --model m.bin --data d.csv --temperature nan", "--temperature: nan is not"},
      {"teach --uus u.jsonl --model m.bin --data d.csv --timeout nan", "--timeout: nan is not"},
      {"teach --uus u.jsonl --model m.bin --data d.csv --max-usd nan", "--max-usd: nan is not"},
      {"teach --uus u.jsonl --model m.bin --data d.csv --rpm nan", "--rpm: nan is not"},
      {"run --data d --budget-share nan", "--budget-share: nan is not"},
      {"run --data d --accuracy-tolerance nan", "--accuracy-tolerance: nan is not"},
      {"run --data d --held-out-share nan", "--held-out-share: nan is not"},
      {scan() + " --model-timeout nan", "--model-timeout: nan is not"},
      {"annotators list --run 1 --platform-fee nan", "--platform-fee: nan is not"},
      {"annotators list --run 1 --hourly-wage-usd nan", "--hourly-wage-usd: nan is not"},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.arguments);
    expect_refused(run(refusal.arguments), refusal.message);
  }
}

TEST_F(ValueChecks, NonFiniteNumbersAreRefusedFromTheEnvironmentAndTheConfigFile) {
  expect_refused(run(scan(), "BLINDSPOT_THRESHOLD=nan"), "--threshold: nan is not a finite number");
  test::write_text(dir_ / "nan.toml", "# scan and eval\nthreshold = nan\n");
  expect_refused(run("--config nan.toml " + scan()), "nan.toml:2: threshold: ");
  expect_refused(run("--config nan.toml " + scan()), "nan is not a finite number");
  test::write_text(dir_ / "inf.toml", "[train]\nlr = -inf\n");
  expect_refused(run("--config inf.toml train --data d.csv --model m.bin"), "inf.toml:2: [train] lr: ");
}

TEST_F(ValueChecks, NegativeCountsAreRefusedNamingTheFlag) {
  const std::vector<Refusal> refusals = {
      {"attack --model m.bin --data d.csv --max-examples -5", "--max-examples: -5 must not be negative"},
      {"eval --model m.bin --data d.csv --adversarial-sample -1", "--adversarial-sample: -1 must not be negative"},
      {"teach --uus u.jsonl --model m.bin --data d.csv --max-uus -2", "--max-uus: -2 must not be negative"},
      {"run --data d --max-uus -1", "--max-uus: -1 must not be negative"},
      {"run --data d --sample-budget -3", "--sample-budget: -3 must not be negative"},
      {"run --data d --dev-attack-rows -1", "--dev-attack-rows: -1 must not be negative"},
      {"run --data d --test-attack-rows -1", "--test-attack-rows: -1 must not be negative"},
      {"run --data d --attribution -1", "--attribution: -1 must not be negative"},
      {"run --data d --minn -1", "--minn: "},
      {"run --data d --maxn -1", "--maxn: "},
      {"teach --uus u.jsonl --model m.bin --data d.csv --tpm -1", "--tpm: "},
      {scan() + " --threads -1", "--threads: "},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.arguments);
    expect_refused(run(refusal.arguments), refusal.message);
  }
  test::write_text(dir_ / "counts.toml", "[attack]\nmax_examples = -5\n");
  expect_refused(run("--config counts.toml attack --model m.bin --data d.csv"),
                 "counts.toml:2: [attack] max-examples: --max-examples: -5 must not be negative");
}

TEST_F(ValueChecks, IntegersAreDecimalAndWithinTheirType) {
  // CLI11 alone lets 2^64 and more saturate, and reads 010 as octal 8 while the store records "010".
  expect_refused(run("attack --model m.bin --data d.csv --max-examples 99999999999999999999999"),
                 "--max-examples: 99999999999999999999999 is out of range");
  expect_refused(run("attack --model m.bin --data d.csv --max-examples 010"), "--max-examples: 010 has a leading zero");
  expect_refused(run("train --data d.csv --model m.bin --dim 0100"), "--dim: 0100 has a leading zero");
  expect_refused(run("attack --model m.bin --data d.csv --max-examples 0x10"),
                 "--max-examples: 0x10 is not a whole number");
  expect_refused(run("attack --model m.bin --data d.csv --max-examples 1.5"),
                 "--max-examples: 1.5 is not a whole number");
}

TEST_F(ValueChecks, SeedsOutOfRangeAreRefusedInEveryCommand) {
  const std::string huge = " --seed 99999999999999999999999";
  for (const std::string command :
       {"attack --model m.bin --data d.csv", "eval --model m.bin --data d.csv", "train --data d.csv --model m.bin",
        "run --data d", "teach --uus u.jsonl --model m.bin --data d.csv"}) {
    SCOPED_TRACE(command);
    expect_refused(run(command + huge), "--seed: ");
    expect_refused(run(command + " --seed -1"), "--seed: ");
    // fastText's seed is an int: a larger one would train with another seed than the one recorded.
    expect_refused(run(command + " --seed 2147483648"), "--seed: ");
  }
}

TEST_F(ValueChecks, TheRecordedSeedIsTheSeedUsed) {
  test::write_text(dir_ / "train.csv",
                   "text,label\ngood great fine,positive\nbad awful poor,negative\n"
                   "lovely superb,positive\nterrible boring,negative\n");
  // CLI11 alone trained with octal 8 and recorded "010".
  expect_refused(run("train --data train.csv --model m.bin --seed 010"), "--seed: 010 has a leading zero");
  const auto result = run("train --data train.csv --model m.bin --seed 2147483647");
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  auto db = store::Database::open(dir_ / "ws" / "blindspot.db");
  const auto runs = store::list_runs(db, 1);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(runs.front().arguments_json)["seed"], "2147483647");
  const auto artifacts = store::list_artifacts(db, runs.front().id);
  const auto model = std::find_if(artifacts.begin(), artifacts.end(), [](const auto& a) { return a.kind == "model"; });
  ASSERT_NE(model, artifacts.end());
  EXPECT_EQ(nlohmann::json::parse(model->details_json)["seed"], 2147483647);
}

TEST_F(ValueChecks, AConfigPathThatIsNoFileIsAnError) {
  std::filesystem::create_directories(dir_ / "conf.d");
  test::write_text(dir_ / "conf.d" / "threshold.toml", "threshold = 7\n");
  expect_refused(run("--config conf.d " + scan()), "config file conf.d is a directory");
  expect_refused(run(scan(), "BLINDSPOT_CONFIG=conf.d"), "config file conf.d is a directory");
  expect_refused(run("--config missing.toml " + scan()), "config file missing.toml does not exist");
  // ./blindspot.toml is optional, but a folder of that name is a mistake worth a word.
  std::filesystem::create_directories(dir_ / "blindspot.toml");
  expect_refused(run(scan()), "config file blindspot.toml is a directory");
}

TEST_F(ValueChecks, AConfigValueOfTheWrongTypeNamesFileLineAndKey) {
  const std::vector<Refusal> refusals = {
      {"[train]\n\nepochs = true\n", "types.toml:3: [train] epochs: must be an integer, got a boolean"},
      {"[attack]\nmax_examples = true\n", "types.toml:2: [attack] max-examples: must be a whole number, got a boolean"},
      {"[attack]\nmax_examples = \"5\"\n", "types.toml:2: [attack] max-examples: must be a whole number, got a string"},
      {"[train]\nepochs = \"5\"\n", "types.toml:2: [train] epochs: must be an integer, got a string"},
      {"quiet = 5\n", "types.toml:1: quiet: must be true or false, got an integer"},
      {"[train]\nepochs = 2.5\n", "types.toml:2: [train] epochs: must be an integer, got a floating-point number"},
      {"threshold = \"0.9\"\n", "types.toml:1: threshold: must be a number, got a string"},
      {"threshold = [0.9]\n", "types.toml:1: threshold: must be a number, got an array"},
      {"json = 1\n", "types.toml:1: json: must be true or false, got an integer"},
      {"text_column = 3\n", "types.toml:1: text-column: must be a string, got an integer"},
      {"[scan]\nsplit = 2026-01-01\n", "types.toml:2: [scan] split: must be a string, got a date"},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.arguments);
    test::write_text(dir_ / "types.toml", refusal.arguments);
    const std::string command = refusal.arguments.find("train") != std::string::npos    ? "train --data d --model m"
                                : refusal.arguments.find("attack") != std::string::npos ? "attack -m m --data d"
                                                                                        : scan();
    expect_refused(run("--config types.toml " + command), refusal.message);
  }
}

TEST_F(ValueChecks, AConfigValueOfTheRightTypeStillWorks) {
  // An integer is a fine number; arrays fill options that take several values.
  test::write_text(dir_ / "ok.toml", "threshold = 1\njson = true\n[scan]\nmodel_labels = [\"a\", \"b\"]\n");
  const auto result = run("--config ok.toml " + scan());
  EXPECT_THAT(result.errors, Not(HasSubstr("ok.toml")));
}

TEST_F(ValueChecks, TheExperimentFileRefusesNonFiniteNumbersWideIntegersAndSeedsFastTextCannotHold) {
  const std::string head = "data = \"d\"\nconditions = [\"none\", \"auto\"]\nsample_budget = 10\n";
  const std::vector<Refusal> refusals = {
      {head + "seeds = [1, 2, 3]\nthreshold = nan\n", "e.toml:5: column \"threshold\": must be a finite number"},
      {head + "seeds = [1, 2, 3]\nhourly_wage_usd = inf\n", "e.toml:5: column \"hourly_wage_usd\": must be a finite"},
      {head + "seeds = [1, 2, 3]\nplatform_fee = -0.5\n", "e.toml:5: column \"platform_fee\": must be a non-negative"},
      {head + "seeds = [1, 2, 3]\nepochs = 4294967297\n", "e.toml:5: column \"epochs\": must be at most 2147483647"},
      {head + "seeds = [1, 2, 4294967296]\n", "e.toml:4: column \"seeds\": seeds must be integers from 0 to 2147483647"},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.arguments);
    test::write_text(dir_ / "e.toml", refusal.arguments);
    expect_refused(run("experiment e.toml"), refusal.message);
  }
}

TEST_F(ValueChecks, InvalidUtf8InTheConfigFileIsReportedOnItsLine) {
  // toml++ alone says line 1 when the byte starts line 2.
  test::write_text(dir_ / "latin1.toml", "threshold = 0.5\n\xe9t\xe9 = 1\n");
  expect_refused(run("--config latin1.toml " + scan()), "latin1.toml:2: not valid UTF-8 (byte 0xE9)");
  test::write_text(dir_ / "latin1.toml", "threshold = 0.5\n\n\nsplit = \"d\xe9v\"\n");
  expect_refused(run("--config latin1.toml " + scan()), "latin1.toml:4: not valid UTF-8 (byte 0xE9)");
}

}  // namespace
