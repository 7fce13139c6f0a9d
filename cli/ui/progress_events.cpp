#include "progress_events.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ostream>

namespace blindspot::cli::ui {
namespace {

// Enough digits for a log; full doubles (0.08000000000000002) are only noise.
double rounded(double value, double scale) { return std::round(value * scale) / scale; }

nlohmann::ordered_json event(const char* name, const ProgressSnapshot& snapshot) {
  return {{"event", name}, {"stage", snapshot.stage}};
}

void add_state(nlohmann::ordered_json& json, const ProgressSnapshot& snapshot) {
  if (snapshot.counted()) {
    json["done"] = snapshot.done;
    json["total"] = snapshot.total;
  }
  json["fraction"] = rounded(snapshot.fraction, 1e4);
  json["elapsed_s"] = rounded(snapshot.elapsed_seconds, 1e2);
}

}  // namespace

ProgressEvents::ProgressEvents(std::ostream& out, ProgressEventsOptions options) : out_(out), options_(options) {}

void ProgressEvents::started(const ProgressSnapshot& snapshot) {
  auto json = event("start", snapshot);
  if (snapshot.counted()) json["total"] = snapshot.total;
  write(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void ProgressEvents::progressed(const ProgressSnapshot& snapshot) {
  const auto last = last_written_seconds_.find(snapshot.stage);
  const bool due = last == last_written_seconds_.end() ||
                   snapshot.elapsed_seconds - last->second >= options_.min_interval_seconds;
  if (!due && !snapshot.complete) return;
  last_written_seconds_[snapshot.stage] = snapshot.elapsed_seconds;
  auto json = event("progress", snapshot);
  add_state(json, snapshot);
  if (snapshot.eta_seconds) json["eta_s"] = rounded(*snapshot.eta_seconds, 1e1);
  write(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void ProgressEvents::ended(const ProgressSnapshot& snapshot, bool completed) {
  last_written_seconds_.erase(snapshot.stage);
  auto json = event("end", snapshot);
  json["completed"] = completed;
  add_state(json, snapshot);
  write(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void ProgressEvents::write(const std::string& line) {
  // One write per line, flushed: a reader following the stream never sees half an event.
  out_ << (line + '\n') << std::flush;
}

}  // namespace blindspot::cli::ui
