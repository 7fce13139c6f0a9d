#pragma once

#include "progress_tracker.hpp"

#include <iosfwd>
#include <map>
#include <string>

namespace blindspot::cli::ui {

// Options of ProgressEvents; the defaults are what --progress-json writes.
struct ProgressEventsOptions {
  // A stage's progress events closer together than this (in the stage's elapsed time) are not
  // written, except its first and its completing one: a log stays readable when a library
  // reports thousands of times a second.
  double min_interval_seconds = 0.25;
};

// --progress-json: one JSON object per line for every stage's start, progress and end, e.g.
//   {"event":"start","stage":"teaching abstraction","total":150}
//   {"event":"progress","stage":"teaching abstraction","done":12,"total":150,"fraction":0.08,"elapsed_s":3.1,"eta_s":35.2}
//   {"event":"end","stage":"teaching abstraction","completed":true,"done":150,"total":150,"fraction":1,"elapsed_s":40.2}
// done and total appear for counted stages, eta_s once there is an estimate (docs/cli.md).
class ProgressEvents : public ProgressSink {
 public:
  explicit ProgressEvents(std::ostream& out, ProgressEventsOptions options = {});

  void started(const ProgressSnapshot& snapshot) override;
  void progressed(const ProgressSnapshot& snapshot) override;
  void ended(const ProgressSnapshot& snapshot, bool completed) override;

 private:
  void write(const std::string& line);

  std::ostream& out_;
  ProgressEventsOptions options_;
  std::map<std::string, double> last_written_seconds_;  // per open stage
};

}  // namespace blindspot::cli::ui
