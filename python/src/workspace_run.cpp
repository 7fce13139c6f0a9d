#include "workspace_run.hpp"

#include "blindspot/core/temporary_files.hpp"
#include "blindspot/core/version.hpp"

#include <Python.h>
#include <nlohmann/json.hpp>

namespace blindspot::python {

Workspace open_workspace(const std::filesystem::path& root) {
  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) {
    throw core::Error(core::ErrorKind::io, "cannot create the workspace: " + error.message(),
                      core::InputLocation{root, 0, ""});
  }
  // Absolute, so that a child process started in another folder (a train command) finds it too.
  core::set_temporary_folder(std::filesystem::absolute(root / "tmp"));
  core::remove_stale_temporary_files(root / "tmp");
  return Workspace{root, store::Database::open(root / "blindspot.db")};
}

std::string versions_json() {
  return nlohmann::json{{"blindspot", core::kVersion},
                        {"fasttext", core::kFastTextVersion},
                        {"sqlite", store::Database::sqlite_version()},
                        {"python", PY_VERSION}}
      .dump();
}

}  // namespace blindspot::python
