#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>

namespace blindspot::cli::ui {

// Options of ProgressBar; the defaults are what the CLI draws.
struct ProgressBarOptions {
  // Updates closer together than this are not drawn: about 10 redraws a second look smooth and
  // keep the terminal cheap even when a library reports progress thousands of times a second.
  std::chrono::milliseconds redraw_interval{100};
  // Cells of the bar; with the longest stage (kMaxStageWidth) the line fits in 80 columns.
  int bar_width = 30;
};

// Stage names longer than this many characters are cut (with "...") so that the line never wraps,
// which would break the carriage-return redraw.
inline constexpr std::size_t kMaxStageWidth = 32;

// One status line on stderr, redrawn in place with '\r':
//   "scanning dev  42% [############..................] 3.1s"
// The library reports progress through core::ProgressCallback; the CLI forwards it here.
class ProgressBar {
 public:
  // A disabled bar writes nothing at all. The caller decides: enabled only when
  // stderr_is_terminal() and neither --quiet nor --json is given.
  ProgressBar(std::ostream& err, bool enabled, ProgressBarOptions options = {});
  // Clears a drawn line, like finish().
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Shows `stage` at `fraction` (clamped to [0, 1]; NaN reads as 0). The first update of a
  // stage and the one reaching 100% are drawn at once, others at most once per redraw_interval.
  // Elapsed seconds count from the stage's first update. Safe to call from several threads.
  void update(std::string_view stage, double fraction);
  // Clears the line so that the next output starts at column 0; a later update starts afresh.
  void finish();

  bool enabled() const noexcept { return enabled_; }

 private:
  using Clock = std::chrono::steady_clock;

  void draw(const std::string& line);

  std::ostream& err_;
  const bool enabled_;
  const ProgressBarOptions options_;
  std::mutex mutex_;
  std::string stage_;
  Clock::time_point stage_start_;
  Clock::time_point last_draw_;
  double last_fraction_ = 0;
  bool drawn_ = false;            // a line is on screen
  std::size_t drawn_width_ = 0;   // its width in characters, to blank it out
};

// The line the bar draws (without '\r'), e.g. "training  42% [############..................] 3.1s":
// percent rounded down, so 100% means done; bar cells rounded down; elapsed with one decimal.
std::string format_progress_line(std::string_view stage, double fraction, double elapsed_seconds, int bar_width);

// Whether stderr is a terminal (isatty(STDERR_FILENO)); a bar in a log file is only noise.
bool stderr_is_terminal();

}  // namespace blindspot::cli::ui
