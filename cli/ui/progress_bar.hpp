#pragma once

#include "progress_tracker.hpp"

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace blindspot::cli::ui {

// Options of ProgressBar; the defaults are what the CLI draws.
struct ProgressBarOptions {
  // Updates closer together than this are not drawn: about 10 redraws a second look smooth and
  // keep the terminal cheap even when a library reports progress thousands of times a second.
  std::chrono::milliseconds redraw_interval{100};
  // Cells of the bar at most; fewer when counts and an estimate need the room (kLineWidth).
  int bar_width = 30;
};

// Stage names longer than this many characters are cut (with "...") so that the line never wraps,
// which would break the carriage-return redraw.
inline constexpr std::size_t kMaxStageWidth = 32;
// The bar shrinks (to kMinBarWidth) so that the whole line fits in this many columns.
inline constexpr std::size_t kLineWidth = 79;
inline constexpr int kMinBarWidth = 4;

// One status line on stderr, redrawn in place with '\r':
//   "teaching abstraction  8% [##..........................] 12/150 3.1s ETA 35s"
// The library reports progress through core::ProgressCallback; the CLI's ProgressTracker sends
// the stages here.
class ProgressBar : public ProgressSink {
 public:
  // A disabled bar writes nothing at all. The caller decides: enabled only when
  // stderr_is_terminal() and neither --quiet, --json nor --progress-json is given.
  ProgressBar(std::ostream& err, bool enabled, ProgressBarOptions options = {});
  // Clears a drawn line, like finished().
  ~ProgressBar() override;
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // A stage's first report and its completing one are drawn at once, others at most once per
  // redraw_interval (whichever stage they belong to).
  void started(const ProgressSnapshot& snapshot) override;
  void progressed(const ProgressSnapshot& snapshot) override;
  void ended(const ProgressSnapshot&, bool) override {}
  // Clears the line so that the next output starts at column 0.
  void finished() override;

  bool enabled() const noexcept { return enabled_; }

 private:
  using Clock = std::chrono::steady_clock;

  void draw(const std::string& line);

  std::ostream& err_;
  const bool enabled_;
  const ProgressBarOptions options_;
  Clock::time_point last_draw_;
  bool force_next_ = false;       // the next progressed() is a stage's first
  bool drawn_ = false;            // a line is on screen
  std::size_t drawn_width_ = 0;   // its width in characters, to blank it out
};

// The line the bar draws (without '\r'): "training  42% [############..................] 3.1s",
// then " 12/150" for counted stages and " ETA 35s" once there is an estimate (until complete), the bar narrowed so
// that the line fits in kLineWidth. Percent rounded down, so 100% means done; bar cells rounded
// down; elapsed with one decimal.
std::string format_progress_line(const ProgressSnapshot& snapshot, int bar_width);
// The same for a stage without counts or estimate.
std::string format_progress_line(std::string_view stage, double fraction, double elapsed_seconds, int bar_width);

// Whether stderr is a terminal (isatty(STDERR_FILENO)); a bar in a log file is only noise.
bool stderr_is_terminal();

}  // namespace blindspot::cli::ui
