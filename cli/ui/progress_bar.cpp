#include "progress_bar.hpp"

#include "eta_estimator.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ostream>

namespace blindspot::cli::ui {
namespace {

bool is_continuation_byte(char byte) { return (static_cast<unsigned char>(byte) & 0xC0U) == 0x80U; }

// Characters, not bytes: a UTF-8 stage name must not make the blanking too short.
std::size_t display_width(std::string_view text) {
  const auto characters = std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation_byte(c); });
  return static_cast<std::size_t>(characters);
}

// The first `width` characters of `text`, never splitting a UTF-8 sequence.
std::string_view first_characters(std::string_view text, std::size_t width) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation_byte(text[i])) continue;
    if (characters == width) return text.substr(0, i);
    ++characters;
  }
  return text;
}

std::string shorten_stage(std::string_view stage) {
  if (display_width(stage) <= kMaxStageWidth) return std::string(stage);
  return std::string(first_characters(stage, kMaxStageWidth - 3)) + "...";
}

double clamp_fraction(double fraction) {
  if (std::isnan(fraction)) return 0;
  return std::clamp(fraction, 0.0, 1.0);
}

}  // namespace

std::string format_progress_line(const ProgressSnapshot& snapshot, int bar_width) {
  const double clamped = clamp_fraction(snapshot.fraction);
  // Rounded down, so that a bar at 99.6% does not claim to be done.
  const auto percent = static_cast<int>(std::floor(clamped * 100));
  const std::string head = fmt::format("{} {:>3}% ", shorten_stage(snapshot.stage), percent);
  std::string tail;
  if (snapshot.counted()) tail += fmt::format(" {}/{}", snapshot.done, snapshot.total);
  tail += fmt::format(" {:.1f}s", std::max(snapshot.elapsed_seconds, 0.0));
  if (snapshot.eta_seconds && !snapshot.complete) tail += " ETA " + format_duration(*snapshot.eta_seconds);
  const std::size_t others = display_width(head) + display_width(tail) + 2;  // 2: the brackets
  const std::size_t room = kLineWidth > others ? kLineWidth - others : 0;
  const auto width = std::min(static_cast<std::size_t>(std::max(bar_width, 0)),
                              std::max(room, static_cast<std::size_t>(kMinBarWidth)));
  const auto filled = std::min(width, static_cast<std::size_t>(std::floor(clamped * static_cast<double>(width))));
  return head + "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]" + tail;
}

std::string format_progress_line(std::string_view stage, double fraction, double elapsed_seconds, int bar_width) {
  ProgressSnapshot snapshot;
  snapshot.stage = std::string(stage);
  snapshot.fraction = fraction;
  snapshot.elapsed_seconds = elapsed_seconds;
  return format_progress_line(snapshot, bar_width);
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::ostream& err, bool enabled, ProgressBarOptions options)
    : err_(err), enabled_(enabled), options_(options) {}

ProgressBar::~ProgressBar() {
  try {
    finished();
  } catch (...) {
    // A destructor must not throw; at worst the last line stays on screen.
  }
}

void ProgressBar::started(const ProgressSnapshot&) { force_next_ = true; }

void ProgressBar::progressed(const ProgressSnapshot& snapshot) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  const bool forced = force_next_ || snapshot.complete;
  force_next_ = false;
  if (!forced && now - last_draw_ < options_.redraw_interval) return;
  last_draw_ = now;
  draw(format_progress_line(snapshot, options_.bar_width));
}

void ProgressBar::finished() {
  if (!enabled_ || !drawn_) return;
  err_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
  drawn_ = false;
  drawn_width_ = 0;
}

void ProgressBar::draw(const std::string& line) {
  const std::size_t width = display_width(line);
  err_ << '\r' << line;
  // Blank out the tail of a longer previous line (a longer stage name or elapsed time).
  if (width < drawn_width_) err_ << std::string(drawn_width_ - width, ' ');
  err_ << std::flush;
  drawn_ = true;
  drawn_width_ = std::max(width, drawn_width_);
}

}  // namespace blindspot::cli::ui
