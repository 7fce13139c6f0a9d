#pragma once

#include "blindspot/core/progress.hpp"
#include "blindspot/store/database.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace blindspot::cli {

// State shared by every command: global options, the run store and the output mode.
class Context {
 public:
  // Global options (set by CLI11).
  std::filesystem::path workspace = "blindspot-work";
  std::string config_file;
  bool json = false;
  bool quiet = false;
  bool progress_json = false;  // --progress-json: progress events as JSON lines on stderr

  // The workspace's run store, opened on first use; read-only when the workspace is (a read-only
  // mount, a folder without write permission), so that commands that only read it still work.
  store::Database& store();
  // A progress callback writing JSON events on stderr with --progress-json, else drawing a bar
  // on stderr when it is a terminal and neither --quiet nor --json is given; empty (reporters
  // skip their reports) when neither is shown. Every callback feeds the same stages.
  core::ProgressCallback progress();
  // Ends the open stages (an "end" event each) and clears the progress line, if one was drawn.
  void end_progress();

  // {"blindspot":..,"fasttext":..,"sqlite":..}
  static std::string versions_json();

  // Registers what `subcommand` does; `records_run` commands get a row in the store's runs table.
  void define(CLI::App* subcommand, std::function<void()> action, bool records_run = true);
  // Runs the chosen subcommand, recording it as a run when it does work. Returns the exit code.
  // First points core's temporary folder at <workspace>/tmp and removes what killed processes
  // left there, beside their targets in the workspace and in the system's temporary folder. A
  // command that records a run in a read-only workspace fails at once with Error{io}.
  int dispatch(CLI::App& app);

  // Id of the run being recorded (0 for commands that do not record one).
  std::int64_t run_id() const noexcept { return run_id_; }

 private:
  struct Action {
    std::function<void()> run;
    bool records_run = true;
  };
  void prepare_workspace() const;

  std::map<CLI::App*, Action> actions_;
  std::optional<store::Database> store_;
  std::int64_t run_id_ = 0;
  struct ProgressState;
  std::shared_ptr<ProgressState> progress_;
};

// The effective options of a subcommand as a JSON object (recorded with its run).
std::string options_json(const CLI::App& subcommand);

}  // namespace blindspot::cli
