#pragma once

#include "blindspot/core/error.hpp"
#include "blindspot/store/database.hpp"
#include "blindspot/store/runs.hpp"

#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>

namespace blindspot::python {

// The workspace of the operations that keep files and records (teach, run, experiment), as the
// CLI's --workspace: its store (blindspot.db) and its temporary folder.
struct Workspace {
  std::filesystem::path root;
  store::Database store;
};

// Opens (creating it if needed) the workspace's store and points core's temporary folder at
// <workspace>/tmp, as the CLI does. Throws Error{io}.
Workspace open_workspace(const std::filesystem::path& root);

// {"blindspot":..,"fasttext":..,"sqlite":..,"python":..}, recorded with each run.
std::string versions_json();

// Runs work(run_id) as a run `command` recorded in the workspace's store: "running" before,
// then "ok", or "failed" with the error when work throws (rethrown).
template <typename Work>
auto recorded_run(Workspace& workspace, const std::string& command, const std::string& arguments_json, Work&& work) {
  const std::int64_t run_id = store::begin_run(workspace.store, command, arguments_json, versions_json());
  try {
    auto result = work(run_id);
    store::finish_run(workspace.store, run_id, 0);
    return result;
  } catch (const core::Error& error) {
    store::finish_run(workspace.store, run_id, core::exit_code(error.kind()), error.what());
    throw;
  } catch (const std::exception& error) {
    store::finish_run(workspace.store, run_id, 1, error.what());
    throw;
  }
}

}  // namespace blindspot::python
