#pragma once

#include "../context.hpp"

#include <CLI/CLI.hpp>

namespace blindspot::cli {

// Each adds one subcommand to `app` and registers its action with `context`.
void add_train_command(CLI::App& app, Context& context);
void add_scan_command(CLI::App& app, Context& context);
void add_attack_command(CLI::App& app, Context& context);
void add_teach_command(CLI::App& app, Context& context);
void add_run_command(CLI::App& app, Context& context);
void add_experiment_command(CLI::App& app, Context& context);
void add_eval_command(CLI::App& app, Context& context);
void add_runs_command(CLI::App& app, Context& context);
void add_show_command(CLI::App& app, Context& context);
void add_serve_command(CLI::App& app, Context& context);
void add_annotators_command(CLI::App& app, Context& context);
void add_export_command(CLI::App& app, Context& context);

}  // namespace blindspot::cli
