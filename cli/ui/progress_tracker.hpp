#pragma once

#include "eta_estimator.hpp"

#include "blindspot/core/progress.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace blindspot::cli::ui {

// What is known of a stage at one report.
struct ProgressSnapshot {
  std::string stage;
  double fraction = 0;  // in [0, 1]
  std::size_t done = 0;
  std::size_t total = 0;  // 0: the stage gives no counts
  double elapsed_seconds = 0;  // since the stage's first report
  std::optional<double> eta_seconds;  // none until enough is done (EtaEstimator)
  bool complete = false;  // done == total, or fraction 1 without counts

  bool counted() const noexcept { return total > 0; }
};

// Where the tracker sends a stage's life: the terminal bar, the JSON events. Called one at a time.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // The first report of a stage; progressed() follows with the same snapshot.
  virtual void started(const ProgressSnapshot& snapshot) = 0;
  virtual void progressed(const ProgressSnapshot& snapshot) = 0;
  // The stage completed, or the command ended first (completed false), with its last snapshot.
  virtual void ended(const ProgressSnapshot& snapshot, bool completed) = 0;
  // The command's output follows: clear what is on screen.
  virtual void finished() {}
};

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

// Turns the library's progress reports into stages with start, elapsed time, estimate and end.
// Several stages may be open at once (an attack and the remote model it queries). A stage starts
// at its first report and ends when complete; a later report of the same name starts it again,
// except a repeat of the completing report. Reports going backwards (fewer done, a smaller total,
// or a smaller fraction without counts) are dropped, so each stage's reports are monotone.
// Safe to call from several threads.
class ProgressTracker {
 public:
  explicit ProgressTracker(SteadyClock clock = std::chrono::steady_clock::now, EtaOptions eta = {});

  // Sinks must outlive the tracker.
  void add_sink(ProgressSink& sink);
  void update(const core::ProgressUpdate& update);
  // Ends every open stage (not completed) and tells the sinks; later reports start afresh.
  void finish();

 private:
  struct OpenStage {
    std::chrono::steady_clock::time_point start;
    EtaEstimator eta;
    ProgressSnapshot last;
  };
  bool is_repeat_of_completion(const core::ProgressUpdate& update) const;

  SteadyClock clock_;
  EtaOptions eta_options_;
  std::vector<ProgressSink*> sinks_;
  std::mutex mutex_;
  std::map<std::string, OpenStage, std::less<>> open_;
  std::map<std::string, ProgressSnapshot, std::less<>> completed_;
};

// Whether `update` says its stage is complete.
bool is_complete(const core::ProgressUpdate& update);

}  // namespace blindspot::cli::ui
