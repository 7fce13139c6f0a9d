#pragma once
// The teaching rules of `run`: held-out dev UUs and the length rule's bounds (docs/run.md).

#include "blindspot/loop/mitigation_loop.hpp"

#include <CLI/CLI.hpp>

namespace blindspot::cli {

// --held-out-share, --length-low-factor, --length-high-factor.
void add_teaching_rule_options(CLI::App& command, loop::LoopOptions& loop);

}  // namespace blindspot::cli
