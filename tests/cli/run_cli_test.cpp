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
  std::system(("(" + command("killed", "--quiet") + " >/dev/null 2>&1 & echo $! > '" + pid_file.string() + "')").c_str());
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

  // The text report says plainly which way the adversarial UU count went.
  const auto text = test::run_command(command("killed"));
  ASSERT_EQ(text.exit_code, 0) << text.errors;
  EXPECT_THAT(text.output, HasSubstr("adversarial UUs on test "));
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

}  // namespace
