// blindspot's command line: builds the CLI11 app, applies configuration, runs one command.
// This is one of the two places where errors become output (the other is the web wrapper).

#include "commands/commands.hpp"
#include "commands/number_options.hpp"
#include "config.hpp"
#include "context.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/version.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace blindspot;
  cli::Context context;
  CLI::App app{"blindspot: find and fix the blind spots (confident misclassifications) of text classifiers"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the command name
  app.set_version_flag("--version", std::string(core::kVersion));
  app.add_option("--workspace,-w", context.workspace, "Folder of the run store and default outputs")
      ->capture_default_str();
  app.add_option("--config", context.config_file,
                 "TOML config file (default: $BLINDSPOT_CONFIG, else ./blindspot.toml if present)");
  app.add_flag("--json", context.json, "Machine-readable JSON on stdout");
  app.add_flag("--quiet,-q", context.quiet, "No progress bar");
  app.add_flag("--progress-json", context.progress_json,
               "Progress as JSON lines on stderr (start, progress and end of each stage; docs/cli.md)");

  cli::add_train_command(app, context);
  cli::add_scan_command(app, context);
  cli::add_attack_command(app, context);
  cli::add_teach_command(app, context);
  cli::add_run_command(app, context);
  cli::add_experiment_command(app, context);
  cli::add_eval_command(app, context);
  cli::add_runs_command(app, context);
  cli::add_show_command(app, context);
  cli::add_serve_command(app, context);
  cli::add_annotators_command(app, context);
  cli::add_export_command(app, context);
  cli::add_environment_names(app);
  cli::check_number_options(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  try {
    cli::apply_config_file(app, context.config_file);
    return context.dispatch(app);
  } catch (const core::Error& error) {
    std::cerr << "blindspot: error: " << error.what() << '\n';
    return core::exit_code(error.kind());
  } catch (const std::exception& error) {
    std::cerr << "blindspot: internal error: " << error.what() << '\n';
    return 1;
  }
}
