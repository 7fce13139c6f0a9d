#include "ui/progress_bar.hpp"

#include "ui/progress_tracker.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

using namespace blindspot::cli::ui;
using namespace std::chrono_literals;

namespace {

// Options under which every update is drawn, or none but the forced ones.
constexpr ProgressBarOptions kEveryUpdate{0ms, 10};
constexpr ProgressBarOptions kRarely{1h, 10};

// A bar fed as the CLI feeds it: through a tracker.
struct FedBar {
  ProgressBar bar;
  ProgressTracker tracker;
  FedBar(std::ostream& err, bool enabled, ProgressBarOptions options) : bar(err, enabled, options) {
    tracker.add_sink(bar);
  }
  void update(std::string_view stage, double fraction) { tracker.update({stage, fraction}); }
  void finish() { tracker.finish(); }
  bool enabled() const { return bar.enabled(); }
};

std::size_t count_redraws(const std::string& output) {
  std::size_t count = 0;
  for (const char c : output) count += c == '\r' ? 1 : 0;
  return count;
}

}  // namespace

TEST(FormatProgressLine, ShowsStagePercentBarAndElapsedSeconds) {
  EXPECT_EQ(format_progress_line("training", 0.42, 3.14, 30), "training  42% [############..................] 3.1s");
  EXPECT_EQ(format_progress_line("scanning dev", 0.0, 0.0, 10), "scanning dev   0% [..........] 0.0s");
  EXPECT_EQ(format_progress_line("scanning dev", 1.0, 12.25, 10), "scanning dev 100% [##########] 12.2s");
}

TEST(FormatProgressLine, RoundsDownSoThatOnlyDoneReads100) {
  EXPECT_EQ(format_progress_line("x", 0.999, 0, 10), "x  99% [#########.] 0.0s");
}

TEST(FormatProgressLine, ClampsFractionsOutsideTheUnitInterval) {
  EXPECT_EQ(format_progress_line("x", -0.5, 0, 4), "x   0% [....] 0.0s");
  EXPECT_EQ(format_progress_line("x", 1.5, 0, 4), "x 100% [####] 0.0s");
  EXPECT_EQ(format_progress_line("x", std::numeric_limits<double>::quiet_NaN(), 0, 4), "x   0% [....] 0.0s");
}

TEST(FormatProgressLine, CutsLongStageNames) {
  const std::string stage(40, 's');
  EXPECT_EQ(format_progress_line(stage, 0.5, 1, 2), std::string(29, 's') + "...  50% [#.] 1.0s");
  // Cut by characters: a multi-byte character is never split.
  std::string accented;
  for (int i = 0; i < 40; ++i) accented += "é";
  std::string expected;
  for (int i = 0; i < 29; ++i) expected += "é";
  EXPECT_EQ(format_progress_line(accented, 0.5, 1, 2), expected + "...  50% [#.] 1.0s");
}

TEST(FormatProgressLine, AddsCountsAndTheEstimate) {
  ProgressSnapshot snapshot;
  snapshot.stage = "teaching abstraction";
  snapshot.fraction = 12.0 / 150;
  snapshot.done = 12;
  snapshot.total = 150;
  snapshot.elapsed_seconds = 3.2;
  EXPECT_EQ(format_progress_line(snapshot, 10), "teaching abstraction   8% [..........] 12/150 3.2s");
  snapshot.eta_seconds = 36.8;
  EXPECT_EQ(format_progress_line(snapshot, 10), "teaching abstraction   8% [..........] 12/150 3.2s ETA 37s");
}

TEST(FormatProgressLine, NarrowsTheBarSoThatTheLineFitsInto79Columns) {
  ProgressSnapshot snapshot;
  snapshot.stage = std::string(40, 's');
  snapshot.fraction = 0.5;
  snapshot.done = 50000;
  snapshot.total = 100000;
  snapshot.elapsed_seconds = 1234.5;
  snapshot.eta_seconds = 1234.5;
  const std::string line = format_progress_line(snapshot, 30);
  EXPECT_EQ(line.size(), kLineWidth);
  EXPECT_NE(line.find("[###....] 50000/100000 1234.5s ETA 20m35s"), std::string::npos) << line;
}

TEST(ProgressBar, DisabledBarWritesNothing) {
  std::ostringstream err;
  {
    FedBar bar(err, false, kEveryUpdate);
    bar.update("training", 0.5);
    bar.update("training", 1.0);
    bar.finish();
    EXPECT_FALSE(bar.enabled());
  }
  EXPECT_EQ(err.str(), "");
}

TEST(ProgressBar, RedrawsOneLineWithCarriageReturns) {
  std::ostringstream err;
  FedBar bar(err, true, kEveryUpdate);
  bar.update("training", 0.5);
  bar.update("training", 1.0);
  const std::string output = err.str();
  EXPECT_EQ(output.find('\n'), std::string::npos);
  EXPECT_EQ(count_redraws(output), 2U);
  EXPECT_NE(output.find("\rtraining  50% [#####.....] 0.0s"), std::string::npos);
  EXPECT_NE(output.find("\rtraining 100% [##########] "), std::string::npos);
}

TEST(ProgressBar, ThrottlesUpdatesButDrawsNewStagesAndCompletion) {
  std::ostringstream err;
  FedBar bar(err, true, kRarely);
  bar.update("training", 0.1);  // first update of a stage: drawn
  bar.update("training", 0.2);  // within the interval: skipped
  bar.update("training", 0.3);  // skipped
  EXPECT_EQ(count_redraws(err.str()), 1U);
  bar.update("training", 1.0);  // completion: drawn
  bar.update("training", 1.0);  // already complete: skipped
  EXPECT_EQ(count_redraws(err.str()), 2U);
  bar.update("scanning dev", 0.0);  // new stage: drawn
  EXPECT_EQ(count_redraws(err.str()), 3U);
  EXPECT_EQ(err.str().find("20%"), std::string::npos);
  EXPECT_NE(err.str().find("\rscanning dev   0% [..........] 0.0s"), std::string::npos);
}

TEST(ProgressBar, DrawsAgainOnceTheIntervalHasPassed) {
  std::ostringstream err;
  FedBar bar(err, true, ProgressBarOptions{200ms, 10});
  bar.update("training", 0.1);
  bar.update("training", 0.2);
  EXPECT_EQ(count_redraws(err.str()), 1U);
  std::this_thread::sleep_for(250ms);
  bar.update("training", 0.3);
  EXPECT_EQ(count_redraws(err.str()), 2U);
  EXPECT_NE(err.str().find("\rtraining  30% [###.......] "), std::string::npos);
}

TEST(ProgressBar, ShorterLineBlanksTheRestOfTheLongerOne) {
  std::ostringstream err;
  FedBar bar(err, true, kEveryUpdate);
  bar.update("scanning dev", 0.5);  // 35 characters
  bar.update("train", 0.5);         // 28 characters, then 7 blanks
  EXPECT_NE(err.str().find("\rtrain  50% [#####.....] 0.0s       "), std::string::npos);
}

TEST(ProgressBar, FinishClearsTheLineAndLaterUpdatesStartAfresh) {
  std::ostringstream err;
  FedBar bar(err, true, kRarely);
  bar.update("training", 0.5);
  const std::string line = "\rtraining  50% [#####.....] 0.0s";
  ASSERT_EQ(err.str(), line);
  bar.finish();
  EXPECT_EQ(err.str(), line + "\r" + std::string(line.size() - 1, ' ') + "\r");
  bar.finish();  // nothing on screen: nothing written
  EXPECT_EQ(err.str(), line + "\r" + std::string(line.size() - 1, ' ') + "\r");
  bar.update("training", 0.5);  // same stage after finish: drawn at once
  EXPECT_EQ(count_redraws(err.str()), 4U);
}

TEST(ProgressBar, DestructorClearsADrawnLine) {
  std::ostringstream err;
  {
    FedBar bar(err, true, kEveryUpdate);
    bar.update("x", 1.0);
  }
  const std::string line = "\rx 100% [##########] 0.0s";
  EXPECT_EQ(err.str(), line + "\r" + std::string(line.size() - 1, ' ') + "\r");
}

// Points stderr at `fd` for the lifetime of the object.
class StderrRedirect {
 public:
  explicit StderrRedirect(int fd) : saved_(::dup(STDERR_FILENO)) { ::dup2(fd, STDERR_FILENO); }
  ~StderrRedirect() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  StderrRedirect(const StderrRedirect&) = delete;
  StderrRedirect& operator=(const StderrRedirect&) = delete;

 private:
  int saved_;
};

TEST(StderrIsTerminal, FalseForAFile) {
  const int null_fd = ::open("/dev/null", O_WRONLY);
  ASSERT_GE(null_fd, 0);
  {
    const StderrRedirect redirect(null_fd);
    EXPECT_FALSE(stderr_is_terminal());
  }
  ::close(null_fd);
}

TEST(StderrIsTerminal, TrueForAPseudoTerminal) {
  const int master_fd = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master_fd < 0) GTEST_SKIP() << "no pseudo-terminals on this machine";
  ASSERT_EQ(::grantpt(master_fd), 0);
  ASSERT_EQ(::unlockpt(master_fd), 0);
  const int slave_fd = ::open(::ptsname(master_fd), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave_fd, 0);
  {
    const StderrRedirect redirect(slave_fd);
    EXPECT_TRUE(stderr_is_terminal());
  }
  ::close(slave_fd);
  ::close(master_fd);
}
