#include "baseline_options.hpp"

namespace blindspot::cli {

// Filled in by issue 12's baseline change.
void add_baseline_tuning_options(CLI::App& /*command*/, loop::BaselineTuning& /*tuning*/) {}

std::string baseline_check_text(const eval::BaselineCheck& /*check*/) { return {}; }

}  // namespace blindspot::cli
