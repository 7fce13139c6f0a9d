#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace blindspot::core {

// Where the project's scratch files go (fastText's training copy of a split, and the like). The CLI
// points it at the workspace's own temporary folder (<workspace>/tmp) so that a killed process
// leaves its litter where the next start finds and removes it; a library user who sets nothing
// gets the system's temporary folder.
void set_temporary_folder(std::filesystem::path folder);
std::filesystem::path temporary_folder();

// A fresh, unused path in temporary_folder() (created if missing): "<prefix>-<pid>-<random><suffix>".
// The pid in the name lets remove_stale_temporary_files() tell a dead writer's file from a live one.
std::filesystem::path temporary_path(std::string_view prefix, std::string_view suffix);

// Removes the files in `folder` whose name carries the pid of a process that no longer runs (as
// written by temporary_path() and by AtomicFile's ".<name>.tmp-<pid>-<random>"). Returns how many.
std::size_t remove_stale_temporary_files(const std::filesystem::path& folder);

}  // namespace blindspot::core
