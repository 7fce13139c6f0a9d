// A step counts as done only while every file it recorded is intact: a rerun redoes a step whose
// output is missing, truncated or changed (issue 13: a full disk once left a truncated model that
// every rerun skipped).

#include "step_log.hpp"

#include "blindspot/store/database.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

using namespace blindspot;
using loop::detail::file_entry;
using loop::detail::find_step;
using loop::detail::record_step;

namespace {

class StepLog : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_text(model_file(), std::string(4096, 'm'));
    record_step(db_, "key", "train_baseline", 0, {{"files", {{"model", file_entry(model_file())}}}, {"rows", 3}}, 1.5);
  }
  std::filesystem::path model_file() const { return dir_ / "baseline.bin"; }

  test::TempDir dir_;
  store::Database db_ = store::Database::open(dir_ / "blindspot.db");
};

TEST_F(StepLog, AnIntactStepIsFoundWithWhatItRecorded) {
  const auto record = find_step(db_, "key", "train_baseline");
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->outputs.at("rows"), 3);
  EXPECT_EQ(record->seconds, 1.5);
  EXPECT_FALSE(find_step(db_, "key", "scan_dev").has_value());
  EXPECT_FALSE(find_step(db_, "other key", "train_baseline").has_value());
}

TEST_F(StepLog, ATruncatedOutputMakesTheStepRunAgain) {
  std::filesystem::resize_file(model_file(), 1024);
  EXPECT_FALSE(find_step(db_, "key", "train_baseline").has_value());
}

TEST_F(StepLog, AChangedOutputOfTheSameSizeMakesTheStepRunAgain) {
  test::write_text(model_file(), std::string(4095, 'm') + "x");
  EXPECT_FALSE(find_step(db_, "key", "train_baseline").has_value());
}

TEST_F(StepLog, AMissingOutputMakesTheStepRunAgain) {
  std::filesystem::remove(model_file());
  EXPECT_FALSE(find_step(db_, "key", "train_baseline").has_value());
}

TEST_F(StepLog, ARedoneStepReplacesItsRecord) {
  std::filesystem::resize_file(model_file(), 1024);
  record_step(db_, "key", "train_baseline", 0, {{"files", {{"model", file_entry(model_file())}}}, {"rows", 4}}, 2.0);
  const auto record = find_step(db_, "key", "train_baseline");
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->outputs.at("rows"), 4);
}

}  // namespace
