#include "baseline_options.hpp"

#include <fmt/format.h>

namespace blindspot::cli {

void add_baseline_tuning_options(CLI::App& command, loop::BaselineTuning& tuning) {
  using Mode = loop::BaselineTuning::Mode;
  command
      .add_option_function<std::string>(
          "--baseline-tuning",
          [&tuning](const std::string& value) {
            tuning.mode = value == "off" ? Mode::off : (value == "always" ? Mode::always : Mode::when_short);
          },
          "Tune the fastText baseline's learning rate, epochs and word n-grams on dev: off, when-short (when the "
          "given settings fall short on dev) or always (docs/baseline.md)")
      ->check(CLI::IsMember({"off", "when-short", "when_short", "always"}))
      ->type_name("MODE")
      ->default_str(tuning.mode == Mode::off ? "off" : (tuning.mode == Mode::always ? "always" : "when-short"));
  command.add_option("--tuning-seconds", tuning.seconds, "Time budget of the tuning: no setting is started after it")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
}

std::string baseline_check_text(const eval::BaselineCheck& check, const std::string& split) {
  if (check.recall.empty()) return {};
  std::string text = fmt::format("{}: model accuracy {:.4f}, majority-class rate {:.4f} (always \"{}\")", split,
                                 check.accuracy, check.majority_rate, check.majority_label);
  text += check.train_accuracy ? fmt::format(", train-set accuracy {:.4f}", *check.train_accuracy)
                               : std::string(", train-set accuracy not measured");
  text += "\nrecall per class:";
  for (const auto& c : check.recall) {
    if (c.support > 0) text += fmt::format(" {} {:.4f} ({} rows);", c.label, c.recall, c.support);
  }
  text.pop_back();
  text += '\n';
  for (const auto& warning : check.warnings) text += "warning: " + warning + "\n";
  return text;
}

}  // namespace blindspot::cli
