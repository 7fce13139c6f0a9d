#include "progress_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace blindspot::cli::ui {
namespace {

double clamped_fraction(double fraction) { return std::isnan(fraction) ? 0.0 : std::clamp(fraction, 0.0, 1.0); }

bool goes_backwards(const ProgressSnapshot& last, const core::ProgressUpdate& update) {
  if (update.counted() && last.counted()) return update.done < last.done || update.total < last.total;
  return clamped_fraction(update.fraction) < last.fraction;
}

}  // namespace

bool is_complete(const core::ProgressUpdate& update) {
  return update.counted() ? update.done >= update.total : clamped_fraction(update.fraction) >= 1.0;
}

ProgressTracker::ProgressTracker(SteadyClock clock, EtaOptions eta) : clock_(std::move(clock)), eta_options_(eta) {}

void ProgressTracker::add_sink(ProgressSink& sink) {
  const std::lock_guard lock(mutex_);
  sinks_.push_back(&sink);
}

bool ProgressTracker::is_repeat_of_completion(const core::ProgressUpdate& update) const {
  const auto completed = completed_.find(update.stage);
  if (completed == completed_.end() || !is_complete(update)) return false;
  return !update.counted() || (update.done == completed->second.done && update.total == completed->second.total);
}

void ProgressTracker::update(const core::ProgressUpdate& update) {
  const std::lock_guard lock(mutex_);
  const auto now = clock_();
  auto open = open_.find(update.stage);
  const bool starts = open == open_.end();
  if (starts) {
    if (is_repeat_of_completion(update)) return;
    open = open_.emplace(std::string(update.stage), OpenStage{now, EtaEstimator(eta_options_), {}}).first;
  } else if (goes_backwards(open->second.last, update)) {
    return;
  }
  OpenStage& stage = open->second;
  ProgressSnapshot& snapshot = stage.last;
  snapshot.stage = open->first;
  snapshot.fraction = clamped_fraction(update.fraction);
  snapshot.done = update.done;
  snapshot.total = update.total;
  snapshot.elapsed_seconds = std::chrono::duration<double>(now - stage.start).count();
  snapshot.complete = is_complete(update);
  snapshot.eta_seconds = stage.eta.update(snapshot.elapsed_seconds, snapshot.fraction);
  for (ProgressSink* sink : sinks_) {
    if (starts) sink->started(snapshot);
    sink->progressed(snapshot);
  }
  if (!snapshot.complete) return;
  for (ProgressSink* sink : sinks_) sink->ended(snapshot, true);
  completed_[open->first] = snapshot;
  open_.erase(open);
}

void ProgressTracker::finish() {
  const std::lock_guard lock(mutex_);
  for (const auto& [name, stage] : open_) {
    for (ProgressSink* sink : sinks_) sink->ended(stage.last, false);
  }
  open_.clear();
  completed_.clear();
  for (ProgressSink* sink : sinks_) sink->finished();
}

}  // namespace blindspot::cli::ui
