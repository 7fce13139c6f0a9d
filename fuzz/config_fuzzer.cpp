// The TOML config file (`--config FILE`, $BLINDSPOT_CONFIG, ./blindspot.toml): cli::apply_config_file
// on a command line whose options have the kinds, checks and nesting of the real ones (cli/commands/):
// global options, a command with integer, real, string, list and flag options under CLI11 checks,
// and a command of a command ([annotators.list]). Applied twice, once per chosen command.

#include "config.hpp"
#include "fuzz_support.hpp"
// The number rules every option gets in main.cpp (issue 13). The guard goes once they are committed.
#include "commands/number_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

struct Settings {
  std::string workspace = "blindspot-work";
  std::string config_file;
  bool json = false;
  std::string model_file;
  std::vector<std::string> labels;
  int dimension = 100;
  double learning_rate = 0.1;
  std::uint64_t seed = 0;
  bool tune = false;
  std::string format;
  double threshold = 0.9;
  std::size_t budget = 30;
  double hourly_wage_usd = 0;
  double platform_fee = 0;
};

void add_options(CLI::App& app, Settings& settings) {
  app.fallthrough();
  app.add_option("--workspace,-w", settings.workspace, "workspace");
  app.add_option("--config", settings.config_file, "config file");
  app.add_flag("--json", settings.json, "JSON output");
  CLI::App* train = app.add_subcommand("train", "train");
  train->add_option("--model,-o", settings.model_file, "model file");
  train->add_option("--labels", settings.labels, "labels");
  train->add_option("--dim", settings.dimension, "dimension")->check(CLI::Range(1, 1000));
  train->add_option("--lr", settings.learning_rate, "learning rate")->check(CLI::Range(0.0001, 10.0));
  train->add_option("--seed", settings.seed, "seed");
  train->add_flag("--tune", settings.tune, "tune");
  train->add_option("--format", settings.format, "format")->check(CLI::IsMember({"csv", "tsv", "jsonl"}));
  train->add_option("--threshold", settings.threshold, "threshold")->check(CLI::Range(0.0, 1.0));
  train->add_option("--budget", settings.budget, "budget")->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  CLI::App* annotators = app.add_subcommand("annotators", "annotators");
  CLI::App* list = annotators->add_subcommand("list", "list");
  list->add_option("--hourly-wage-usd", settings.hourly_wage_usd, "wage")->check(CLI::NonNegativeNumber);
  list->add_option("--platform-fee", settings.platform_fee, "fee")->check(CLI::Range(0.0, 1.0));
}

void apply_for(std::vector<std::string> command_line, const std::filesystem::path& file) {
  Settings settings;
  CLI::App app{"fuzz"};
  add_options(app, settings);
  blindspot::cli::check_number_options(app);
  std::reverse(command_line.begin(), command_line.end());  // CLI11 takes the arguments last first
  app.parse(command_line);
  blindspot::fuzz::accept_input_errors([&] {
    blindspot::cli::apply_config_file(app, file.string());
    for (const double value : {settings.learning_rate, settings.threshold, settings.hourly_wage_usd, settings.platform_fee}) {
      blindspot::fuzz::require(std::isfinite(value), "a real option set from the config file is finite");
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static blindspot::fuzz::InputFile input("blindspot.toml");
  const std::filesystem::path& file = input.write(data, size);
  apply_for({"train"}, file);
  apply_for({"annotators", "list"}, file);
  return 0;
}
