#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
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

// "<prefix>-<pid>-<random hex><suffix>": the one name form of the project's temporary files (also
// AtomicFile's, with prefix ".<name>.tmp"), which the stale-file removal below parses.
std::string pid_tagged_name(std::string_view prefix, std::string_view suffix);

// Removes the regular files in `folder` (not below it) whose name carries the pid of a process
// that no longer runs: "<prefix>-<pid>-<hex><suffix>" as written by temporary_path(), and
// AtomicFile's ".<name>.tmp-<pid>-<hex>". With a `name_prefix`, only names starting with it (the
// system's temporary folder is shared with other programs: pass "blindspot-" there). A pid that
// runs protects its files, even when the pid was reused by another program: such a file waits for
// a later start. Files of processes in another pid namespace (a container sharing the folder) look
// dead; do not share a workspace between pid namespaces while both write. Never throws; returns
// how many files it removed.
std::size_t remove_stale_temporary_files(const std::filesystem::path& folder, std::string_view name_prefix = {});

// Removes AtomicFile's temporary files (".<name>.tmp-<pid>-<hex>") of dead processes anywhere
// below `root` (symbolic links are not followed): they live beside their targets, all over a
// workspace. Visits at most 200,000 entries. Never throws; returns how many files it removed.
std::size_t remove_stale_temporary_files_below(const std::filesystem::path& root);

// The pid a temporary file's name carries (either form above), or 0 if it is not such a name.
long temporary_file_pid(std::string_view file_name);

}  // namespace blindspot::core
