#include "teaching_rule_options.hpp"

namespace blindspot::cli {

void add_teaching_rule_options(CLI::App& command, loop::LoopOptions& loop) {
  command
      .add_option("--held-out-share", loop.held_out_share,
                  "Share of each blind spot's dev UUs held out of teaching; 'fixed' is counted on them (0 = none)")
      ->check(CLI::Range(0.0, 0.9))
      ->capture_default_str();
  command
      .add_option("--length-low-factor", loop.length_low_factor,
                  "Length rule: samples shorter than this x train's 5th percentile of words are rejected")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      .add_option("--length-high-factor", loop.length_high_factor,
                  "Length rule: samples longer than this x train's 95th percentile of words are rejected")
      ->check(CLI::Range(1.0, 1000.0))
      ->capture_default_str();
}

}  // namespace blindspot::cli
