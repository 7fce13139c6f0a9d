#include "ui/progress_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

using namespace blindspot;
using namespace blindspot::cli::ui;
using namespace std::chrono_literals;

namespace {

std::vector<nlohmann::json> parse_lines(const std::string& text) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) events.push_back(nlohmann::json::parse(line));
  return events;
}

// A tracker on a hand-moved clock writing events into a string.
struct EventsOnFakeClock {
  std::chrono::steady_clock::time_point now{};
  std::ostringstream out;
  ProgressEvents events{out};
  ProgressTracker tracker{[this] { return now; }};
  EventsOnFakeClock() { tracker.add_sink(events); }
};

}  // namespace

TEST(ProgressEvents, WritesStartProgressAndEndAsJsonLines) {
  EventsOnFakeClock feed;
  feed.tracker.update({"teaching abstraction", 0.0, 0, 150});
  feed.now += 3200ms;
  feed.tracker.update({"teaching abstraction", 12.0 / 150, 12, 150});
  feed.now += 37s;
  feed.tracker.update({"teaching abstraction", 1.0, 150, 150});
  const auto events = parse_lines(feed.out.str());
  ASSERT_EQ(events.size(), 5U);
  EXPECT_EQ(events[0], nlohmann::json::parse(R"({"event":"start","stage":"teaching abstraction","total":150})"));
  EXPECT_EQ(events[1]["event"], "progress");
  EXPECT_EQ(events[1]["done"], 0);
  // 12 of 150 in 3.2 s: 138 left take 36.8 s.
  EXPECT_EQ(events[2], nlohmann::json::parse(R"({"event":"progress","stage":"teaching abstraction","done":12,)"
                                             R"("total":150,"fraction":0.08,"elapsed_s":3.2,"eta_s":36.8})"));
  EXPECT_EQ(events[3]["done"], 150);
  EXPECT_EQ(events[3]["eta_s"], 0.0);
  EXPECT_EQ(events[4], nlohmann::json::parse(R"({"event":"end","stage":"teaching abstraction","completed":true,)"
                                             R"("done":150,"total":150,"fraction":1.0,"elapsed_s":40.2})"));
}

TEST(ProgressEvents, AStageWithoutCountsHasNoDoneOrTotal) {
  EventsOnFakeClock feed;
  feed.tracker.update({"training", 0.5});
  const auto events = parse_lines(feed.out.str());
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0], nlohmann::json::parse(R"({"event":"start","stage":"training"})"));
  EXPECT_FALSE(events[1].contains("done"));
  EXPECT_FALSE(events[1].contains("eta_s"));
  EXPECT_EQ(events[1]["fraction"], 0.5);
}

TEST(ProgressEvents, WritesAFewEventsASecondPerStageButAlwaysTheLast) {
  EventsOnFakeClock feed;
  // 1000 reports over 10 s: a quarter of a second between written progress events.
  for (std::size_t done = 1; done <= 1000; ++done) {
    feed.now += 10ms;
    feed.tracker.update({"querying the model", static_cast<double>(done) / 1000, done, 1000});
  }
  const auto events = parse_lines(feed.out.str());
  std::size_t progress = 0;
  std::size_t last_done = 0;
  for (const auto& event : events) {
    if (event["event"] != "progress") continue;
    ++progress;
    EXPECT_GE(event["done"].get<std::size_t>(), last_done);
    last_done = event["done"];
  }
  EXPECT_GE(progress, 30U);
  EXPECT_LE(progress, 42U);
  EXPECT_EQ(last_done, 1000U);
  EXPECT_EQ(events.back()["event"], "end");
}

TEST(ProgressEvents, AStageCutShortEndsUncompleted) {
  EventsOnFakeClock feed;
  feed.tracker.update({"llm calls", 0.25, 1, 4});
  feed.tracker.finish();
  const auto events = parse_lines(feed.out.str());
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[2]["event"], "end");
  EXPECT_EQ(events[2]["completed"], false);
  EXPECT_EQ(events[2]["done"], 1);
}
