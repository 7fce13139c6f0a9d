// Configuration precedence: flag > BLINDSPOT_* environment > TOML config file > default.
// Checked through `scan --json`, which echoes the threshold it used.

#include "blindspot/data/label_set.hpp"
#include "blindspot/store/annotations.hpp"
#include "blindspot/store/runs.hpp"
#include "blindspot/teach/campaign.hpp"
#include "support/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace blindspot;
using ::testing::HasSubstr;

namespace {

class ConfigPrecedence : public ::testing::Test {
 protected:
  void SetUp() override {
    // A tiny model is enough: only the effective options matter here.
    test::write_text(dir_ / "train.csv",
                     "text,label\ngood great fine,positive\nbad awful poor,negative\n"
                     "lovely superb,positive\nterrible boring,negative\n");
    test::write_text(dir_ / "dev.csv", "text,label\ngood,positive\nbad,negative\n");
    ASSERT_EQ(run("", "train --data '" + dir_.path().string() + "' --model '" + model() + "'").exit_code, 0);
  }
  std::string model() const { return (dir_ / "m.bin").string(); }
  test::CommandResult run(const std::string& environment, const std::string& arguments) const {
    return test::run_command("cd '" + dir_.path().string() + "' && env -u BLINDSPOT_CONFIG " + environment + " '" +
                             test::blindspot_binary().string() + "' --workspace ws " + arguments);
  }
  double threshold(const std::string& environment, const std::string& flags) const {
    const auto result = run(environment, "scan --json --model '" + model() + "' --data '" + dir_.path().string() +
                                             "' " + flags);
    EXPECT_EQ(result.exit_code, 0) << result.errors;
    return nlohmann::json::parse(result.output)["threshold"].get<double>();
  }
  test::TempDir dir_;
};

TEST_F(ConfigPrecedence, EachSourceOverridesTheNext) {
  EXPECT_DOUBLE_EQ(threshold("", ""), 0.65);  // built-in default
  test::write_text(dir_ / "blindspot.toml", "threshold = 0.9\n");
  EXPECT_DOUBLE_EQ(threshold("", ""), 0.9);  // ./blindspot.toml
  test::write_text(dir_ / "blindspot.toml", "threshold = 0.9\n[scan]\nthreshold = 0.85\n");
  EXPECT_DOUBLE_EQ(threshold("", ""), 0.85);  // a command table wins over top-level keys
  EXPECT_DOUBLE_EQ(threshold("BLINDSPOT_THRESHOLD=0.8", ""), 0.8);                     // environment > file
  EXPECT_DOUBLE_EQ(threshold("BLINDSPOT_THRESHOLD=0.8", "--threshold 0.7"), 0.7);      // flag > environment
}

TEST_F(ConfigPrecedence, ExplicitConfigFileAndItsErrors) {
  test::write_text(dir_ / "other.toml", "[scan]\nthreshold = 0.75\n");
  EXPECT_DOUBLE_EQ(threshold("", "--config other.toml"), 0.75);
  EXPECT_DOUBLE_EQ(threshold("BLINDSPOT_CONFIG=other.toml", ""), 0.75);

  test::write_text(dir_ / "typo.toml", "[scan]\nthreshhold = 0.75\n");
  auto result = run("", "--config typo.toml scan --model '" + model() + "' --data '" + dir_.path().string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("typo.toml:2: [scan] threshhold: no such option of `scan`"));
  EXPECT_THAT(result.errors, HasSubstr("did you mean \"threshold\""));

  test::write_text(dir_ / "range.toml", "threshold = 7\n");
  result = run("", "--config range.toml scan --model '" + model() + "' --data '" + dir_.path().string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("range.toml:1: threshold"));

  test::write_text(dir_ / "broken.toml", "threshold = = 1\n");
  result = run("", "--config broken.toml runs");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.errors, HasSubstr("broken.toml:1: "));
}

TEST_F(ConfigPrecedence, ReachesCommandsOfCommandsByTableAndByTopLevelKey) {
  // A campaign with one complete submission of 30 min active time, as `blindspot serve` stores it.
  std::int64_t campaign = 0;
  {
    auto db = store::Database::open(dir_ / "ws" / "blindspot.db");
    campaign = store::begin_run(db, "scan", "{}", "{}");
    discover::Uu uu;
    uu.id = "dev:1:natural";
    uu.text = "good";
    uu.true_label = "positive";
    uu.predicted_label = "negative";
    uu.confidence = 0.9;
    teach::create_campaign(db, {campaign, data::LabelSet({"negative", "positive"}), {uu}, "{}"});
    const auto annotator = store::add_annotator(db, campaign, "ada", std::string(64, 'c'));
    store::SubmissionRecord s;
    s.assignment_id = store::insert_assignment(db, {0, campaign, annotator, uu.id, "done", "", 1.0, 0, {}, {}});
    s.run_id = campaign;
    s.annotator_id = annotator;
    s.uu_id = uu.id;
    s.abstraction = "short praise is misread";
    s.active_seconds = 1800;
    s.submitted_at = "2026-01-01T00:00:00Z";
    store::save_submission(db, s);
  }
  // [annotators.list] is the table of `annotators list`; a top-level key reaches it too.
  test::write_text(dir_ / "blindspot.toml", "platform_fee = 0.5\n[annotators.list]\nhourly_wage_usd = 12\n");
  const auto result = run("", "--json annotators list --run " + std::to_string(campaign));
  ASSERT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(result.output)["cost_usd"].get<double>(), 0.5 * 12 * 1.5);

  test::write_text(dir_ / "blindspot.toml", "[annotators.lst]\nhourly_wage_usd = 12\n");
  const auto typo = run("", "--json annotators list --run " + std::to_string(campaign));
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.errors, HasSubstr("unknown command table [annotators.lst]"));
  EXPECT_THAT(typo.errors, HasSubstr("did you mean \"annotators.list\""));
  std::filesystem::remove(dir_ / "blindspot.toml");
}

}  // namespace
