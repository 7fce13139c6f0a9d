#include "ui/progress_tracker.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace blindspot;
using namespace blindspot::cli::ui;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  SteadyClock function() {
    return [this] { return now; };
  }
};

// Every call a sink receives, as text: "start teaching 0/10", "progress ...", "end ... completed".
struct RecordingSink : ProgressSink {
  std::vector<std::string> calls;
  std::vector<ProgressSnapshot> snapshots;
  static std::string describe(const ProgressSnapshot& s) {
    return s.stage + " " + (s.counted() ? std::to_string(s.done) + "/" + std::to_string(s.total)
                                       : std::to_string(static_cast<int>(s.fraction * 100)) + "%");
  }
  void started(const ProgressSnapshot& s) override { calls.push_back("start " + describe(s)); }
  void progressed(const ProgressSnapshot& s) override {
    calls.push_back("progress " + describe(s));
    snapshots.push_back(s);
  }
  void ended(const ProgressSnapshot& s, bool completed) override {
    calls.push_back("end " + describe(s) + (completed ? " completed" : " stopped"));
  }
  void finished() override { calls.push_back("finished"); }
};

core::ProgressUpdate counted(std::string_view stage, std::size_t done, std::size_t total) {
  return {stage, static_cast<double>(done) / static_cast<double>(total), done, total};
}

}  // namespace

TEST(ProgressTracker, AStageStartsAtItsFirstReportAndEndsWhenComplete) {
  FakeClock clock;
  ProgressTracker tracker(clock.function());
  RecordingSink sink;
  tracker.add_sink(sink);
  tracker.update(counted("teaching", 0, 4));
  clock.now += 2s;
  tracker.update(counted("teaching", 1, 4));
  tracker.update(counted("teaching", 4, 4));
  EXPECT_EQ(sink.calls, (std::vector<std::string>{"start teaching 0/4", "progress teaching 0/4", "progress teaching 1/4",
                                                   "progress teaching 4/4", "end teaching 4/4 completed"}));
  EXPECT_DOUBLE_EQ(sink.snapshots[1].elapsed_seconds, 2.0);
  EXPECT_TRUE(sink.snapshots[2].complete);
}

TEST(ProgressTracker, EstimatesFromTheFakeClock) {
  FakeClock clock;
  ProgressTracker tracker(clock.function());
  RecordingSink sink;
  tracker.add_sink(sink);
  tracker.update(counted("calls", 0, 100));
  clock.now += 500ms;
  tracker.update(counted("calls", 10, 100));  // too soon for an estimate
  clock.now += 1500ms;
  tracker.update(counted("calls", 20, 100));  // 20 in 2 s: 80 left take 8 s
  EXPECT_FALSE(sink.snapshots[0].eta_seconds);
  EXPECT_FALSE(sink.snapshots[1].eta_seconds);
  ASSERT_TRUE(sink.snapshots[2].eta_seconds);
  EXPECT_DOUBLE_EQ(*sink.snapshots[2].eta_seconds, 8.0);
}

TEST(ProgressTracker, DropsReportsGoingBackwardsAndRepeatsOfTheCompletion) {
  ProgressTracker tracker;
  RecordingSink sink;
  tracker.add_sink(sink);
  tracker.update(counted("calls", 3, 10));
  tracker.update(counted("calls", 2, 10));  // a late report from another thread
  tracker.update({"training", 0.5});
  tracker.update({"training", 0.4});
  tracker.update({"training", 1.0});
  tracker.update({"training", 1.0});  // fastText's last report, then the trainer's own
  EXPECT_EQ(sink.calls, (std::vector<std::string>{"start calls 3/10", "progress calls 3/10", "start training 50%",
                                                   "progress training 50%", "progress training 100%",
                                                   "end training 100% completed"}));
}

TEST(ProgressTracker, KeepsStagesOpenTogetherAndFinishEndsThemUncompleted) {
  ProgressTracker tracker;
  RecordingSink sink;
  tracker.add_sink(sink);
  tracker.update({"attacking dev", 0.1});
  tracker.update(counted("querying the model", 8, 16));
  tracker.update({"attacking dev", 0.2});
  tracker.finish();
  EXPECT_EQ(sink.calls, (std::vector<std::string>{
                            "start attacking dev 10%", "progress attacking dev 10%", "start querying the model 8/16",
                            "progress querying the model 8/16", "progress attacking dev 20%",
                            "end attacking dev 20% stopped", "end querying the model 8/16 stopped", "finished"}));
}

TEST(ProgressTracker, AStageReportedAgainAfterItsCompletionStartsAgain) {
  // A remote model's texts: the total grows with every large request.
  ProgressTracker tracker;
  RecordingSink sink;
  tracker.add_sink(sink);
  tracker.update(counted("querying the model", 4, 4));
  tracker.update(counted("querying the model", 4, 8));
  EXPECT_EQ(sink.calls, (std::vector<std::string>{"start querying the model 4/4", "progress querying the model 4/4",
                                                   "end querying the model 4/4 completed",
                                                   "start querying the model 4/8", "progress querying the model 4/8"}));
}
