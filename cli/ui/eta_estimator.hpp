#pragma once

#include <optional>
#include <string>

namespace blindspot::cli::ui {

// Options of EtaEstimator; the defaults are what the CLI shows.
struct EtaOptions {
  // No estimate before this much of the stage is done since its first report, nor before this
  // many seconds have passed: the first calls of a stage (a cold cache, a model loading) say
  // little about the rest.
  double min_fraction = 0.05;
  double min_seconds = 1.0;
  // Time constant of the smoothing: a new raw estimate moves the shown one by
  // 1 - exp(-seconds since the last update / smoothing_seconds) of the difference, so the
  // estimate does not jump with every uneven batch, whatever the update rate.
  double smoothing_seconds = 3.0;
};

// Seconds left of a stage, from its elapsed time and the fraction done. The rate is measured from
// the first observation (the stage's first report, which may already be past 0), so a stage
// resumed half done is not estimated as nearly over.
class EtaEstimator {
 public:
  explicit EtaEstimator(EtaOptions options = {}) : options_(options) {}

  // One observation: `elapsed_seconds` since the stage began, `fraction` done in [0, 1].
  // Returns the smoothed estimate, or nullopt while too little is done; 0 once done.
  std::optional<double> update(double elapsed_seconds, double fraction);

 private:
  EtaOptions options_;
  bool has_base_ = false;
  double base_seconds_ = 0;
  double base_fraction_ = 0;
  double last_seconds_ = 0;
  std::optional<double> smoothed_;
};

// A duration for a person: "42s", "3m05s", "2h07m".
std::string format_duration(double seconds);

}  // namespace blindspot::cli::ui
