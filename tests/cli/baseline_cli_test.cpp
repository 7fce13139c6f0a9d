// The baseline check of `eval` and the tuning of `train` through the executable, on a few hundred
// sst2 rows (docs/baseline.md): an underfit model is compared with the majority-class rate and its
// train-set accuracy and warned about; `train --tune` records the settings it chose.

#include "blindspot/store/database.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace blindspot;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

void copy_rows(const std::filesystem::path& from, const std::filesystem::path& to, int rows) {
  std::ifstream in(from);
  std::ofstream out(to);
  std::string line;
  for (int i = 0; i <= rows && std::getline(in, line); ++i) out << line << '\n';
}

class BaselineCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(data());
    for (const auto& [split, rows] : {std::pair{"train", 600}, {"dev", 300}, {"test", 300}}) {
      copy_rows(test::shared_data("sst2") / (std::string(split) + ".csv"), data() / (std::string(split) + ".csv"),
                rows);
    }
  }
  std::filesystem::path data() const { return dir_.path() / "data"; }
  std::string blindspot(const std::string& arguments) const {
    return "'" + test::blindspot_binary().string() + "' --workspace '" + (dir_.path() / "ws").string() + "' " +
           arguments;
  }
  std::string model() const { return "'" + (dir_.path() / "model.bin").string() + "'"; }
  test::TempDir dir_;
};

TEST_F(BaselineCli, EvalComparesWithTheMajorityRateAndWarnsOnAnUnderfitModel) {
  const auto trained = test::run_command(
      blindspot("train --data '" + data().string() + "' --epochs 1 --lr 0.01 " + "--buckets 20000 --model " + model()));
  ASSERT_EQ(trained.exit_code, 0) << trained.errors;
  const auto text = test::run_command(
      blindspot("eval --model " + model() + " --data '" + data().string() + "' --adversarial-sample 0"));
  ASSERT_EQ(text.exit_code, 0) << text.errors;
  EXPECT_THAT(text.output, HasSubstr("test: model accuracy "));
  EXPECT_THAT(text.output, HasSubstr("majority-class rate "));
  EXPECT_THAT(text.output, HasSubstr(", train-set accuracy "));
  EXPECT_THAT(text.output, HasSubstr("warning: train-set accuracy "));
  EXPECT_THAT(text.output, HasSubstr("the model underfits its own training data"));

  const auto json = test::run_command(
      blindspot("--json eval --model " + model() + " --data '" + data().string() + "' --adversarial-sample 0"));
  ASSERT_EQ(json.exit_code, 0) << json.errors;
  const auto check = nlohmann::json::parse(json.output).at("baseline_check");
  EXPECT_EQ(check.at("majority_from"), "train");
  EXPECT_LT(check.at("train_accuracy").get<double>(), 0.9);
  EXPECT_EQ(check.at("recall").size(), 2U);
  EXPECT_FALSE(check.at("warnings").empty());
}

TEST_F(BaselineCli, EvalOfASingleFileUsesItsOwnMajorityRateAndSaysSo) {
  const auto trained =
      test::run_command(blindspot("train --data '" + data().string() + "' --buckets 20000 --model " + model()));
  ASSERT_EQ(trained.exit_code, 0) << trained.errors;
  const auto text = test::run_command(
      blindspot("eval --model " + model() + " --data '" + (data() / "test.csv").string() + "' --adversarial-sample 0"));
  ASSERT_EQ(text.exit_code, 0) << text.errors;
  EXPECT_THAT(text.output, HasSubstr("no train split: the majority-class rate is that of the evaluated file's own"));
  EXPECT_THAT(text.output, HasSubstr("train-set accuracy not measured"));
}

TEST_F(BaselineCli, TrainWithTuneRecordsTheChosenSettings) {
  const auto tuned = test::run_command(blindspot("--json train --data '" + data().string() +
                                                 "' --epochs 1 --lr 0.01 --buckets 20000 --tune --model " + model()));
  ASSERT_EQ(tuned.exit_code, 0) << tuned.errors;
  const auto options = nlohmann::json::parse(tuned.output).at("options");
  const auto& tuning = options.at("tuning");
  EXPECT_EQ(tuning.at("given").at("epochs"), 1);
  EXPECT_EQ(tuning.at("chosen").at("epochs"), options.at("epochs"));
  EXPECT_GT(options.at("epochs").get<int>(), 1);
  EXPECT_GT(tuning.at("dev_macro_f1").get<double>(), tuning.at("given_dev_macro_f1").get<double>());
  EXPECT_EQ(tuning.at("stopped_by_budget"), false);
  // The run store keeps the same with the model.
  auto db = store::Database::open(dir_.path() / "ws" / "blindspot.db");
  auto stored = db.prepare("SELECT details FROM artifacts WHERE kind = 'model'");
  ASSERT_TRUE(stored.step());
  EXPECT_EQ(nlohmann::json::parse(stored.column_text(0)).at("tuning"), tuning);
  // Without --tune nothing is searched.
  const auto plain = test::run_command(blindspot("--json train --data '" + data().string() +
                                                 "' --epochs 1 --lr 0.01 --buckets 20000 --model " + model()));
  ASSERT_EQ(plain.exit_code, 0) << plain.errors;
  EXPECT_THAT(plain.output, Not(HasSubstr("\"tuning\"")));
}

}  // namespace
