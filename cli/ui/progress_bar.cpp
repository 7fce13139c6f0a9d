#include "progress_bar.hpp"

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

std::string format_progress_line(std::string_view stage, double fraction, double elapsed_seconds, int bar_width) {
  const double clamped = clamp_fraction(fraction);
  const auto width = static_cast<std::size_t>(std::max(bar_width, 0));
  // Rounded down, so that a bar at 99.6% does not claim to be done.
  const auto percent = static_cast<int>(std::floor(clamped * 100));
  const auto filled = std::min(width, static_cast<std::size_t>(std::floor(clamped * static_cast<double>(width))));
  return fmt::format("{} {:>3}% [{}{}] {:.1f}s", shorten_stage(stage), percent, std::string(filled, '#'),
                     std::string(width - filled, '.'), std::max(elapsed_seconds, 0.0));
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::ostream& err, bool enabled, ProgressBarOptions options)
    : err_(err), enabled_(enabled), options_(options) {}

ProgressBar::~ProgressBar() {
  try {
    finish();
  } catch (...) {
    // A destructor must not throw; at worst the last line stays on screen.
  }
}

void ProgressBar::update(std::string_view stage, double fraction) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  const Clock::time_point now = Clock::now();
  const double clamped = clamp_fraction(fraction);
  const bool new_stage = !drawn_ || stage != stage_;
  if (stage != stage_) {
    stage_ = std::string(stage);
    stage_start_ = now;
  }
  const bool completes = clamped >= 1.0 && last_fraction_ < 1.0;
  if (!new_stage && !completes && now - last_draw_ < options_.redraw_interval) return;
  last_draw_ = now;
  last_fraction_ = clamped;
  const std::chrono::duration<double> elapsed = now - stage_start_;
  draw(format_progress_line(stage_, clamped, elapsed.count(), options_.bar_width));
}

void ProgressBar::finish() {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  if (!drawn_) return;
  err_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
  drawn_ = false;
  drawn_width_ = 0;
  last_fraction_ = 0;
  stage_.clear();
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
