#pragma once
// The baseline's tuning flags of `run` (docs/run.md, "The baseline") and the plain words every
// command uses to say whether a model is sound (eval::check_baseline).

#include "blindspot/eval/baseline_check.hpp"
#include "blindspot/loop/mitigation_loop.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace blindspot::cli {

// --baseline-tuning off|when-short|always and --tuning-seconds.
void add_baseline_tuning_options(CLI::App& command, loop::BaselineTuning& tuning);

// The check as lines for a terminal: the model against the majority-class rate and its train-set
// accuracy on `split`, its recall per class, then every warning. Empty for a default-constructed
// check (nothing was checked).
std::string baseline_check_text(const eval::BaselineCheck& check, const std::string& split = "test");

}  // namespace blindspot::cli
