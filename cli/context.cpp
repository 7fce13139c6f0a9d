#include "context.hpp"

#include "ui/progress_bar.hpp"
#include "ui/progress_events.hpp"
#include "ui/progress_tracker.hpp"

#include "blindspot/core/error.hpp"
#include "blindspot/core/temporary_files.hpp"
#include "blindspot/core/version.hpp"
#include "blindspot/store/runs.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <iostream>
#include <unistd.h>

namespace blindspot::cli {
namespace {

std::filesystem::path store_file(const std::filesystem::path& workspace) { return workspace / "blindspot.db"; }

// access() asks the kernel what a write would meet: a read-only mount (EROFS) or a missing write
// permission (EACCES; root passes it, as root's writes would). A workspace not made yet is not
// read-only: the store creates it.
bool is_read_only(const std::filesystem::path& workspace) {
  for (const auto& path : {workspace, store_file(workspace)}) {
    if (::access(path.c_str(), W_OK) != 0 && (errno == EROFS || errno == EACCES || errno == EPERM)) return true;
  }
  return false;
}

}  // namespace

struct Context::ProgressState {
  ui::ProgressBar bar;
  ui::ProgressEvents events{std::cerr};
  ui::ProgressTracker tracker;
  bool shown = false;  // a bar or events: else reports are not even made

  ProgressState(bool draw_bar, bool write_events) : bar(std::cerr, draw_bar), shown(draw_bar || write_events) {
    // JSON lines and a bar redrawn with '\r' on the same stream would garble each other.
    if (write_events) tracker.add_sink(events);
    if (draw_bar) tracker.add_sink(bar);
  }
};

store::Database& Context::store() {
  if (!store_) {
    const auto file = store_file(workspace);
    const bool read_only = std::filesystem::exists(file) && is_read_only(workspace);
    store_.emplace(read_only ? store::Database::open_read_only(file) : store::Database::open(file));
  }
  return *store_;
}

void Context::prepare_workspace() const {
  // The system's folder is shared with other programs: only names that are ours.
  std::error_code ec;
  const auto system_folder = std::filesystem::temp_directory_path(ec);
  if (!ec) core::remove_stale_temporary_files(system_folder, "blindspot-");
  if (is_read_only(workspace)) return;  // nothing can be left in it, nor written to it
  // Absolute, so that a child process started in another folder (a train command) finds it too.
  core::set_temporary_folder(std::filesystem::absolute(workspace / "tmp", ec));
  if (!std::filesystem::is_directory(workspace, ec)) return;
  core::remove_stale_temporary_files(workspace / "tmp");
  core::remove_stale_temporary_files_below(workspace);
}

core::ProgressCallback Context::progress() {
  if (!progress_) {
    const bool draw_bar = !quiet && !json && !progress_json && ui::stderr_is_terminal();
    progress_ = std::make_shared<ProgressState>(draw_bar, progress_json);
  }
  if (!progress_->shown) return {};
  auto state = progress_;
  return [state](const core::ProgressUpdate& update) { state->tracker.update(update); };
}

void Context::end_progress() {
  if (progress_) progress_->tracker.finish();
}

std::string Context::versions_json() {
  return nlohmann::json{{"blindspot", core::kVersion},
                        {"fasttext", core::kFastTextVersion},
                        {"sqlite", store::Database::sqlite_version()}}
      .dump();
}

void Context::define(CLI::App* subcommand, std::function<void()> action, bool records_run) {
  actions_[subcommand] = Action{std::move(action), records_run};
}

int Context::dispatch(CLI::App& app) {
  const auto chosen = app.get_subcommands();
  if (chosen.empty()) {
    std::cout << app.help();
    return 2;
  }
  CLI::App* subcommand = chosen.front();
  const Action& action = actions_.at(subcommand);
  prepare_workspace();
  if (!action.records_run) {
    action.run();
    return 0;
  }
  if (is_read_only(workspace)) {
    throw core::Error(core::ErrorKind::io, "the workspace " + workspace.string() + " is read-only: `" +
                                               subcommand->get_name() + "` records its run in " +
                                               store_file(workspace).string() +
                                               "; give a writable --workspace (`runs` and `show` read a read-only one)");
  }
  run_id_ = store::begin_run(store(), subcommand->get_name(), options_json(*subcommand), versions_json());
  try {
    action.run();
  } catch (const core::Error& error) {
    end_progress();
    store::finish_run(store(), run_id_, core::exit_code(error.kind()), error.what());
    throw;
  } catch (const std::exception& error) {
    end_progress();
    store::finish_run(store(), run_id_, 1, error.what());
    throw;
  }
  end_progress();
  store::finish_run(store(), run_id_, 0);
  return 0;
}

std::string options_json(const CLI::App& subcommand) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const CLI::Option* option : subcommand.get_options()) {
    if (option->get_lnames().empty() || option->get_lnames().front() == "help") continue;
    const std::string& name = option->get_lnames().front();
    if (option->count() > 0) {
      const auto& results = option->results();
      json[name] = results.size() == 1 ? nlohmann::ordered_json(results.front()) : nlohmann::ordered_json(results);
    } else if (!option->get_default_str().empty()) {
      json[name] = option->get_default_str();
    }
  }
  return json.dump();
}

}  // namespace blindspot::cli
