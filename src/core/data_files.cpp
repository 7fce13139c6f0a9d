#include "blindspot/core/data_files.hpp"

#include "blindspot/core/error.hpp"

#include <dlfcn.h>
#include <link.h>

#include <cstdlib>
#include <system_error>

namespace blindspot::core {

namespace fs = std::filesystem;

namespace {

// An address inside blindspot's own code: dladdr maps it to the file the linker put it in.
const int kCodeMarker = 0;

bool is_data_directory(const fs::path& folder) {
  std::error_code ignored;
  return fs::is_directory(folder / "prompts", ignored);
}

std::string joined(const std::vector<fs::path>& folders) {
  std::string text;
  for (const fs::path& folder : folders) text += (text.empty() ? "" : ", ") + folder.string();
  return text;
}

}  // namespace

DataDirectorySearch search_data_directory(const std::string& variable_value, const fs::path& code_file) {
  DataDirectorySearch search;
  if (!variable_value.empty()) {
    search.from_variable = true;
    const fs::path folder = fs::absolute(variable_value);
    search.searched.push_back(folder);
    if (is_data_directory(folder)) search.found = folder;
    return search;
  }
  std::error_code error;
  search.code_file = fs::weakly_canonical(code_file, error);
  // A relative start would walk the current folder's parents instead of the program's.
  if (error || !search.code_file.is_absolute()) return search;
  for (fs::path folder = search.code_file.parent_path();; folder = folder.parent_path()) {
    const fs::path candidate = folder / "share" / "blindspot";
    search.searched.push_back(candidate);
    if (is_data_directory(candidate)) {
      search.found = candidate;
      break;
    }
    if (folder == folder.parent_path()) break;  // the root
  }
  return search;
}

DataDirectorySearch search_data_directory() {
  const char* value = std::getenv(kDataDirectoryVariable);
  return search_data_directory(value == nullptr ? "" : value, running_code_file());
}

fs::path running_code_file() {
  Dl_info info{};
  link_map* map = nullptr;
  const int found = ::dladdr1(&kCodeMarker, &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP);
  if (found != 0 && map != nullptr && map->l_name != nullptr && map->l_name[0] != '\0') {
    std::error_code error;
    const fs::path library = fs::weakly_canonical(map->l_name, error);
    return error ? fs::path(map->l_name) : library;
  }
  // The main program's link map has no name (dladdr would report argv[0], which is a bare
  // "blindspot" when the shell found it on PATH): ask the kernel instead.
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : executable;
}

fs::path found_data_directory(const DataDirectorySearch& search) {
  if (search.found) return *search.found;
  if (search.from_variable) {
    throw Error(ErrorKind::usage, std::string(kDataDirectoryVariable) + "=" + joined(search.searched) +
                                      " is not blindspot's data folder: it has no prompts/ folder (name the "
                                      "share/blindspot folder of an install, or a source checkout)");
  }
  const std::string where = search.code_file.empty() ? "the running program's file is unknown"
                                                     : "looked beside " + search.code_file.string() + " in " +
                                                           joined(search.searched);
  throw Error(ErrorKind::io, "blindspot's data folder (prompts/, config/prices.toml) was not found: " + where +
                                 "; install blindspot (docs/install.md) or set " + kDataDirectoryVariable +
                                 " to its share/blindspot folder");
}

fs::path data_file(const fs::path& relative) { return found_data_directory(search_data_directory()) / relative; }

}  // namespace blindspot::core
