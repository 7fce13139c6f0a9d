#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace blindspot::core {

// blindspot's read-only data (the prompt templates in prompts/ and the price table in
// config/prices.toml, laid out as in the source tree) is found at run time, never through a path
// fixed at build time: the same code then works from a build folder, from an install prefix
// (bin/ beside share/blindspot/) and inside the Python extension (docs/install.md).

// The variable that names the data folder outright.
inline constexpr const char* kDataDirectoryVariable = "BLINDSPOT_DATA_DIR";

// Where the data folder was looked for, and where it was found.
struct DataDirectorySearch {
  std::optional<std::filesystem::path> found;
  std::vector<std::filesystem::path> searched;  // in the order tried
  std::filesystem::path code_file;              // the file whose parent folders were walked
  bool from_variable = false;                   // BLINDSPOT_DATA_DIR was set: the only place tried
};

// A set `variable_value` (BLINDSPOT_DATA_DIR's value; empty: unset) is the only place tried.
// Otherwise each parent folder of `code_file` (symbolic links resolved), nearest first, is tried
// as <parent>/share/blindspot. A data folder is one that holds a prompts/ folder.
DataDirectorySearch search_data_directory(const std::string& variable_value, const std::filesystem::path& code_file);

// The search of this process: BLINDSPOT_DATA_DIR, then the parents of running_code_file().
DataDirectorySearch search_data_directory();

// The executable or shared library (such as the Python extension) that holds blindspot's code in
// this process, as an absolute path.
std::filesystem::path running_code_file();

// The folder `search` found. Throws Error{usage} when BLINDSPOT_DATA_DIR names a folder without
// prompts/, Error{io} naming every folder tried when the walk found none.
std::filesystem::path found_data_directory(const DataDirectorySearch& search);

// found_data_directory(search_data_directory()) / relative, e.g. "prompts" or "config/prices.toml".
std::filesystem::path data_file(const std::filesystem::path& relative);

}  // namespace blindspot::core
