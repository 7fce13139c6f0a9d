#include "teaching_rule_options.hpp"

namespace blindspot::cli {

// Filled in by issue 12's held-out and length-rule change.
void add_teaching_rule_options(CLI::App& /*command*/, loop::LoopOptions& /*loop*/) {}

}  // namespace blindspot::cli
